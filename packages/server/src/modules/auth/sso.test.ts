import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import {
  CookieJar,
  signInThroughProvider,
  startOidcProvider,
  type TestOidcProvider,
} from '../../../test/oidc-provider';
import { buildApp } from '../../app';

const ctx = useTestApp();
let provider: TestOidcProvider;
let app: FastifyInstance;
let base: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${base}/v1/auth/sso/callback`);
  app = await buildApp(
    {
      ...ctx.config,
      publicUrl: base,
      oidc: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        providerName: 'Test IdP',
      },
    },
    { database: ctx.database, skipMigrations: true },
  );
  await app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
});

let n = 0;
function subject(): string {
  n += 1;
  return `sub-${Date.now()}-${n}`;
}

/** The whole access picture of a user: memberships, agent roles, matrices, and workspace revisions. */
async function accessSnapshot(userId: string) {
  const db = ctx.app.db;
  const members = await db
    .selectFrom('workspace_members')
    .select(['workspace_id', 'role', 'agent_access', 'matrix', 'preset_id', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('workspace_id')
    .execute();
  const agentRoles = await db
    .selectFrom('agent_members')
    .select(['agent_id', 'role', 'matrix', 'preset_id', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('agent_id')
    .execute();
  const revisions = await db
    .selectFrom('workspaces')
    .select(['id', 'revision'])
    .where(
      'id',
      'in',
      members.length ? members.map((m) => m.workspace_id) : ['00000000-0000-4000-8000-000000000000'],
    )
    .orderBy('id')
    .execute();
  return { members, agentRoles, revisions };
}

describe('SSO (OpenID Connect against a real oidc-provider)', () => {
  it('tells the console SSO is configured', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/auth/providers' });
    expect(json(res)).toEqual({ password: true, sso: { name: 'Test IdP', startUrl: '/v1/auth/sso/start' } });
    const off = await ctx.app.inject({ method: 'GET', url: '/v1/auth/providers' });
    expect(json(off)).toEqual({ password: true, sso: null });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/auth/sso/start' })).statusCode).toBe(404);
  });

  it('an unreachable provider sends the browser back with ssoError=provider_error, and Atrium keeps working', async () => {
    const down = await buildApp(
      {
        ...ctx.config,
        oidc: { issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y', providerName: 'Down' },
      },
      { database: ctx.database, skipMigrations: true },
    );
    try {
      const res = await down.inject({ method: 'GET', url: '/v1/auth/sso/start' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${ctx.config.publicUrl}/?ssoError=provider_error`);
      expect((await down.inject({ method: 'GET', url: '/v1/auth/providers' })).statusCode).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('starts with PKCE (S256), state and nonce', async () => {
    const res = await fetch(`${base}/v1/auth/sso/start`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toBeTruthy();
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.searchParams.get('redirect_uri')).toBe(`${base}/v1/auth/sso/callback`);
    expect(res.headers.getSetCookie().join(';')).toMatch(/atrium_sso=.*HttpOnly/i);
  });

  it('creates an account with no memberships on a first sign-in with a new verified email', async () => {
    const sub = subject();
    const email = `new-${sub}@example.com`;
    provider.setAccount(sub, { email, email_verified: true, name: 'Nova Newcomer' });
    const { callback, jar } = await signInThroughProvider(
      `${base}/v1/auth/sso/start?returnTo=/workspaces`,
      sub,
    );
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`${base}/workspaces`);
    const me = await fetch(`${base}/v1/me`, { headers: { cookie: jar.header(new URL(base)) } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as {
      user: { id: string; email: string; emailVerified: boolean; hasPassword: boolean };
    };
    expect(body.user).toMatchObject({
      email,
      emailVerified: true,
      hasPassword: false,
      name: 'Nova Newcomer',
    });
    expect((await accessSnapshot(body.user.id)).members).toEqual([]);
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'after'])
      .where('actor_id', '=', body.user.id)
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['auth.signed_up', 'auth.signed_in']);
    expect(log[0]?.after).toMatchObject({ method: 'sso', issuer: provider.issuer });
    expect(log[1]?.after).toEqual({ method: 'sso' });
  });

  it('links to the existing account with that email and never changes memberships, roles, matrices or revisions', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const member = await addMember(ctx.app, admin, ws.id, {
      role: 'member',
      matrix: { 'build.knowledge': 'edit', 'deployments.environments': 'read' },
    });
    const agent = await createAgent(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, agent.id, member, {
      role: 'agent_user',
      matrix: { 'build.knowledge': 'read' },
    });
    const before = await accessSnapshot(member.id);
    expect(before.members).toHaveLength(1);
    expect(before.agentRoles).toHaveLength(1);

    const sub = subject();
    provider.setAccount(sub, {
      email: member.email.toUpperCase(),
      email_verified: true,
      name: 'Someone Else',
    });
    const { callback, jar } = await signInThroughProvider(`${base}/v1/auth/sso/start`, sub);
    expect(callback.headers.get('location')).toBe(`${base}/`);
    const me = (await (
      await fetch(`${base}/v1/me`, { headers: { cookie: jar.header(new URL(base)) } })
    ).json()) as {
      user: { id: string; name: string; hasPassword: boolean };
    };
    // Same account, profile untouched, password kept.
    expect(me.user).toMatchObject({ id: member.id, name: member.name, hasPassword: true });
    expect(await accessSnapshot(member.id)).toEqual(before);

    // A second SSO sign-in uses the stored identity link and still changes nothing.
    const again = await signInThroughProvider(`${base}/v1/auth/sso/start`, sub, new CookieJar());
    expect(again.callback.status).toBe(303);
    expect(await accessSnapshot(member.id)).toEqual(before);
    const identities = await ctx.app.db
      .selectFrom('oidc_identities')
      .selectAll()
      .where('user_id', '=', member.id)
      .execute();
    expect(identities).toHaveLength(1);
    const linkedLog = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'after'])
      .where('actor_id', '=', member.id)
      .where('action', 'in', ['auth.sso_linked', 'auth.signed_in'])
      .orderBy('id')
      .execute();
    // One link, then an SSO sign-in per flow (after the factory's own password sign-in).
    expect(linkedLog.map((l) => l.action)).toEqual([
      'auth.signed_in',
      'auth.sso_linked',
      'auth.signed_in',
      'auth.signed_in',
    ]);
    // Password sign-in still works alongside SSO.
    expect((await as(ctx.app, member)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(200);
  });

  it('refuses an email the provider has not verified, creating nothing', async () => {
    const sub = subject();
    const email = `unverified-${sub}@example.com`;
    provider.setAccount(sub, { email, email_verified: false, name: 'U' });
    const { callback, jar } = await signInThroughProvider(`${base}/v1/auth/sso/start`, sub);
    expect(callback.headers.get('location')).toBe(`${base}/?ssoError=email_unverified`);
    expect(jar.get(new URL(base), 'atrium_session')).toBeUndefined();
    const user = await ctx.app.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    expect(user).toBeUndefined();
    const failed = await ctx.app.db
      .selectFrom('activity_log')
      .select(['actor_type', 'after'])
      .where('action', '=', 'auth.sign_in_failed')
      .where(sql<boolean>`after->>'email' = ${email}`)
      .execute();
    expect(failed).toEqual([
      { actor_type: 'system', after: { method: 'sso', reason: 'email_unverified', email } },
    ]);
  });

  it('drops the password of an unverified account it links to (pre-hijacking)', async () => {
    const email = `prehijack-${Date.now()}@example.com`;
    const squatter = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email, password: 'squatter passphrase 1', name: 'Squatter' },
    });
    expect(squatter.statusCode).toBe(201);
    const squatterCookie = `atrium_session=${squatter.cookies.find((c) => c.name === 'atrium_session')?.value}`;
    const sub = subject();
    provider.setAccount(sub, { email, email_verified: true, name: 'Owner' });
    const { callback } = await signInThroughProvider(`${base}/v1/auth/sso/start`, sub);
    expect(callback.status).toBe(303);
    const signIn = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email, password: 'squatter passphrase 1' },
    });
    expect(signIn.statusCode).toBe(401);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: squatterCookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses a callback in a browser that did not start the flow, and a replayed callback', async () => {
    const sub = subject();
    provider.setAccount(sub, { email: `replay-${sub}@example.com`, email_verified: true });
    // Run the flow but stop before the callback: capture its URL.
    const jar = new CookieJar();
    const start = await fetch(`${base}/v1/auth/sso/start`, { redirect: 'manual' });
    jar.store(new URL(base), start);
    // A different browser (no atrium_sso cookie) presenting a state is refused.
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state');
    const forged = await fetch(`${base}/v1/auth/sso/callback?code=x&state=${state}`, { redirect: 'manual' });
    expect(forged.headers.get('location')).toBe(`${base}/?ssoError=state_mismatch`);

    const done = await signInThroughProvider(`${base}/v1/auth/sso/start`, sub);
    expect(done.callback.status).toBe(303);
    expect(done.callback.headers.get('location')).toBe(`${base}/`);
    // Replaying the same callback (same code and state, state cookie forged back in) is refused: the flow was single-use.
    const callbackUrl = done.callbackUrl as URL;
    const replay = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: { cookie: `atrium_sso=${callbackUrl.searchParams.get('state')}` },
    });
    expect(replay.headers.get('location')).toBe(`${base}/?ssoError=flow_expired`);
    expect(replay.headers.getSetCookie().join(';')).not.toContain('atrium_session=');
  });
});
