import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { as, createUser, signInAs } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp({ sessionIdleHours: 2, sessionTtlHours: 24 });

interface SessionRow {
  id: string;
  current: boolean;
}

async function sessionIdOf(cookie: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: { cookie } });
  const current = json<{ sessions: SessionRow[] }>(res).sessions.find((s) => s.current);
  if (!current) throw new Error('no current session');
  return current.id;
}

describe('profile', () => {
  it('edits name and avatar URL, records before and after, and validates fields', async () => {
    const u = await createUser(ctx.app, { name: 'Old Name' });
    const call = as(ctx.app, u);
    const res = await call({
      method: 'PATCH',
      url: '/v1/me',
      payload: { name: '  New Name ', avatarUrl: 'https://cdn.example.com/a.png' },
    });
    expect(res.statusCode).toBe(200);
    expect(json<{ user: unknown }>(res).user).toMatchObject({
      name: 'New Name',
      avatarUrl: 'https://cdn.example.com/a.png',
    });
    const bad = await call({ method: 'PATCH', url: '/v1/me', payload: { avatarUrl: 'javascript:alert(1)' } });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(bad).errors[0]?.path).toBe('/body/avatarUrl');
    const extra = await call({ method: 'PATCH', url: '/v1/me', payload: { email: 'x@example.com' } });
    expect(extra.statusCode).toBe(400);
    expect(json(extra).code).toBe('validation_failed');
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['before', 'after'])
      .where('actor_id', '=', u.id)
      .where('action', '=', 'account.updated')
      .execute();
    expect(log).toEqual([
      {
        before: { name: 'Old Name', avatarUrl: null },
        after: { name: 'New Name', avatarUrl: 'https://cdn.example.com/a.png' },
      },
    ]);
  });
});

describe('passwords', () => {
  it('refuses short and common passwords with no composition rules, and accepts a long plain passphrase', async () => {
    const signUp = (password: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: { email: `pw-${Math.random().toString(36).slice(2)}@example.com`, password, name: 'P' },
      });
    const short = await signUp('elevenchars');
    expect(short.statusCode).toBe(400);
    expect(json<{ errors: { path: string; message: string }[] }>(short).errors[0]).toMatchObject({
      path: '/body/password',
      message: 'must be at least 12 characters',
    });
    const common = await signUp('1q2w3e4r5t6y');
    expect(common.statusCode).toBe(400);
    expect(json<{ errors: { message: string }[] }>(common).errors[0]?.message).toMatch(/too common/);
    // All lower-case letters and spaces: fine (NIST SP 800-63B, no composition rules).
    expect((await signUp('just some lowercase words')).statusCode).toBe(201);
  });

  it('accepts internationalised email addresses and refuses malformed ones', async () => {
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email: ' Jürgen.Müller@Bücher.example ', password: 'a long enough passphrase', name: 'J' },
    });
    expect(ok.statusCode).toBe(201);
    expect(json<{ user: { email: string } }>(ok).user.email).toBe('jürgen.müller@bücher.example');
    await signInAs(ctx.app, 'JÜRGEN.MÜLLER@BÜCHER.EXAMPLE', 'a long enough passphrase');
    for (const email of ['no-at-sign', 'two@@example.com', 'a b@example.com', 'x@nodot']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: { email, password: 'a long enough passphrase', name: 'J' },
      });
      expect(res.statusCode, email).toBe(400);
      expect(json<{ errors: { path: string }[] }>(res).errors[0]?.path).toBe('/body/email');
    }
  });

  it('changes the password with the current one and ends the other sessions only', async () => {
    const u = await createUser(ctx.app);
    const other = await signInAs(ctx.app, u.email, u.password);
    const call = as(ctx.app, u);
    const wrong = await call({
      method: 'POST',
      url: '/v1/me/password',
      payload: { currentPassword: 'not my password!', newPassword: 'a fresh passphrase here' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(wrong).errors[0]?.path).toBe('/body/currentPassword');

    const ok = await call({
      method: 'POST',
      url: '/v1/me/password',
      payload: { currentPassword: u.password, newPassword: 'a fresh passphrase here' },
    });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toEqual({ status: 'ok', sessionsEnded: 1 });
    expect((await call({ method: 'GET', url: '/v1/me' })).statusCode).toBe(200);
    const ended = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: other.cookie } });
    expect(ended.statusCode).toBe(401);
    await expect(signInAs(ctx.app, u.email, u.password)).rejects.toThrow(/401/);
    await signInAs(ctx.app, u.email, 'a fresh passphrase here');
    const actions = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('actor_id', '=', u.id)
      .where('action', '=', 'auth.password_changed')
      .execute();
    expect(actions).toHaveLength(1);
  });
});

describe('sessions', () => {
  it('lists live sessions with the current one marked, and revokes one', async () => {
    const u = await createUser(ctx.app);
    const second = await signInAs(ctx.app, u.email, u.password);
    const list = await as(ctx.app, u)({ method: 'GET', url: '/v1/me/sessions' });
    const sessions = json<{ sessions: SessionRow[] }>(list).sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(list.body).not.toMatch(/token|hash/i);

    const secondId = await sessionIdOf(second.cookie);
    const del = await as(ctx.app, u)({ method: 'DELETE', url: `/v1/me/sessions/${secondId}` });
    expect(del.statusCode).toBe(200);
    const revoked = await ctx.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: second.cookie },
    });
    expect(revoked.statusCode).toBe(401);
    expect((await as(ctx.app, u)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(200);
  });

  it('cannot revoke another user’s session (404)', async () => {
    const a = await createUser(ctx.app);
    const b = await createUser(ctx.app);
    const bSession = await sessionIdOf(b.cookie);
    const res = await as(ctx.app, a)({ method: 'DELETE', url: `/v1/me/sessions/${bSession}` });
    expect(res.statusCode).toBe(404);
    expect((await as(ctx.app, b)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(200);
  });

  it('signs out everywhere else, or everywhere', async () => {
    const u = await createUser(ctx.app);
    const s2 = await signInAs(ctx.app, u.email, u.password);
    const s3 = await signInAs(ctx.app, u.email, u.password);
    const others = await as(ctx.app, u)({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
    expect(json(others)).toEqual({ status: 'ok', sessionsEnded: 2 });
    for (const s of [s2, s3]) {
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } })).statusCode,
      ).toBe(401);
    }
    const s4 = await signInAs(ctx.app, u.email, u.password);
    const all = await as(ctx.app, u)({ method: 'POST', url: '/v1/me/sessions/revoke-all' });
    expect(json(all)).toEqual({ status: 'ok', sessionsEnded: 2 });
    expect((await as(ctx.app, u)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s4.cookie } })).statusCode,
    ).toBe(401);
  });

  it('a session past its absolute expiry gets 401', async () => {
    const u = await createUser(ctx.app);
    const id = await sessionIdOf(u.cookie);
    await ctx.app.db
      .updateTable('sessions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('id', '=', id)
      .execute();
    const res = await as(ctx.app, u)({ method: 'GET', url: '/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(json(res).code).toBe('unauthenticated');
  });

  it('a session idle for longer than the idle timeout gets 401; activity keeps it alive', async () => {
    const u = await createUser(ctx.app);
    const id = await sessionIdOf(u.cookie);
    // Seen 90 minutes ago (idle timeout is 2 h here): still valid, and the request refreshes last_seen_at.
    await ctx.app.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - interval '90 minutes'` })
      .where('id', '=', id)
      .execute();
    expect((await as(ctx.app, u)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(200);
    const row = await ctx.app.db
      .selectFrom('sessions')
      .select('last_seen_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Date.now() - new Date(row.last_seen_at).getTime()).toBeLessThan(60_000);
    // Seen 3 hours ago: ended.
    await ctx.app.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - interval '3 hours'` })
      .where('id', '=', id)
      .execute();
    expect((await as(ctx.app, u)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
  });

  it('sets a Secure cookie when PUBLIC_URL is https', async () => {
    const { buildApp } = await import('../../app');
    const secureApp = await buildApp(
      { ...ctx.config, publicUrl: 'https://atrium.example' },
      { database: ctx.database, skipMigrations: true },
    );
    try {
      const u = await createUser(ctx.app);
      const res = await secureApp.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: u.email, password: u.password },
      });
      const cookie = res.cookies.find((c) => c.name === 'atrium_session') as Record<string, unknown>;
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
      const csrf = res.cookies.find((c) => c.name === 'atrium_csrf') as Record<string, unknown>;
      expect(csrf.httpOnly).toBeFalsy();
      expect(csrf.value).toBe(json<{ csrfToken: string }>(res).csrfToken);
    } finally {
      await secureApp.close();
    }
  });
});
