/**
 * Regression tests for the black-box security probe's findings (issue 14),
 * each named after the finding. The list, with how each is prevented, is in
 * docs/security.md.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
} from './factories';
import { json, useTestApp } from './harness';

const ctx = useTestApp();

describe('issue 14: holes the security probe found', () => {
  it('request bodies are not type-coerced: a number where a string belongs is refused (400)', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents`,
      payload: { name: 12345, plan: 'starter' },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res)).toMatchObject({ code: 'validation_failed' });
    const agents = await ctx.app.db
      .selectFrom('agents')
      .select('name')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(agents.map((a) => a.name)).not.toContain('12345');
    // Query strings still arrive as text and are coerced: `limit=2` is a number.
    const list = await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members?limit=2` });
    expect(list.statusCode, list.body).toBe(200);
  });

  it('authenticated JSON responses carry Cache-Control: no-store', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    for (const url of ['/v1/me', `/v1/workspaces/${ws.id}/members`, `/v1/workspaces/${ws.id}`]) {
      const res = await as(ctx.app, admin)({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    // Errors too: a problem document is no more cacheable than an answer.
    const missing = await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/nope` });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['a zero-width space', 'ad\u200bmin@example.com'],
    ['a right-to-left override', 'admin\u202e@example.com'],
    ['a byte-order mark', '\ufeffadmin@example.com'],
  ])('addresses that lie: sign-up with %s is refused, naming the field', async (_what, email) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email, password: 'a long enough passphrase 42', name: 'Mallory' },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(json<{ errors: { path: string }[] }>(res).errors.map((e) => e.path)).toContain('/body/email');
  });

  it('addresses that lie: an invitation to an address with invisible characters is refused for that address', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: ['bob\u200d@example.com'], role: 'member' },
    });
    expect(json<{ results: { status: string }[] }>(res).results[0]?.status).toBe('invalid');
    const rows = await ctx.app.db
      .selectFrom('invitations')
      .select('email')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('members see agents they cannot open: the member list and member pages name only agents the viewer may open', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const a1 = await createAgent(ctx.app, admin, ws.id, { name: 'Visible Bot' });
    const a2 = await createAgent(ctx.app, admin, ws.id, { name: 'Hidden Bot' });
    const viewer = await addMember(ctx.app, admin, ws.id);
    const colleague = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, a1.id, viewer);
    await addAgentMember(ctx.app, admin, ws.id, a1.id, colleague);
    await addAgentMember(ctx.app, admin, ws.id, a2.id, colleague);
    const list = await as(ctx.app, viewer)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain(a2.id);
    expect(list.body).not.toContain('Hidden Bot');
    const page = await as(
      ctx.app,
      viewer,
    )({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${colleague.id}` });
    expect(json<{ agents: { agentId: string }[] }>(page).agents.map((a) => a.agentId)).toEqual([a1.id]);
    // The admin, who may open every agent, sees both.
    const asAdmin = await as(
      ctx.app,
      admin,
    )({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${colleague.id}` });
    expect(
      json<{ agents: { agentId: string }[] }>(asAdmin)
        .agents.map((a) => a.agentId)
        .sort(),
    ).toEqual([a1.id, a2.id].sort());
  });

  it('every refusal is in the activity log: a refusal inside a command writes one access.denied with actor, target and reason', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const other = await addMember(ctx.app, admin, ws.id, { role: 'admin' });
    // Nobody edits their own grants: refused inside the members command, not at the guard.
    const res = await as(
      ctx.app,
      other,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${other.id}`,
      payload: { agentAccess: 'assigned' },
    });
    expect(res.statusCode, res.body).toBe(403);
    const denied = await ctx.app.db
      .selectFrom('activity_log')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'access.denied')
      .execute();
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ actor_id: other.id, target_type: 'member', target_id: other.id });
    expect(denied[0]?.after).toMatchObject({
      command: 'members.update',
      reason: expect.stringMatching(/own role or permissions/),
    });
  });

  it('enumeration: an invitation answers `invited` the same whether or not the address has an account, and nobody joins before accepting', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const existing = await createUser(ctx.app);
    const unknown = `nobody-${Date.now()}@example.com`;
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [existing.email, unknown] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const results = json<{ results: Record<string, unknown>[] }>(res).results;
    expect(results.map((r) => Object.keys(r).sort())).toEqual([
      ['email', 'invitationId', 'status'],
      ['email', 'invitationId', 'status'],
    ]);
    expect(results.map((r) => r.status)).toEqual(['invited', 'invited']);
    // The existing account is not pulled in: a member only after accepting.
    const before = await as(ctx.app, existing)({ method: 'GET', url: `/v1/workspaces/${ws.id}` });
    expect(before.statusCode).toBe(404);
    await acceptInvitation(ctx.app, existing, String(results[0]?.invitationId));
    const after = await as(ctx.app, existing)({ method: 'GET', url: `/v1/workspaces/${ws.id}` });
    expect(after.statusCode).toBe(200);
  });

  it('enumeration: adding an agent member by email answers the same status and shape whether or not the address has an account', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const agent = await createAgent(ctx.app, admin, ws.id);
    const existing = await createUser(ctx.app);
    const url = `/v1/workspaces/${ws.id}/agents/${agent.id}/members`;
    const call = as(ctx.app, admin);
    const known = await call({ method: 'POST', url, payload: { email: existing.email, role: 'agent_user' } });
    const unknown = await call({
      method: 'POST',
      url,
      payload: { email: `nobody-${Date.now()}@example.com`, role: 'agent_user' },
    });
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    const shape = (r: typeof known) =>
      Object.entries(json<Record<string, unknown>>(r))
        .filter(([k]) => k !== 'email' && k !== 'invitationId')
        .concat([['keys', Object.keys(json<Record<string, unknown>>(r)).sort().join(',')]]);
    expect(shape(known)).toEqual(shape(unknown));
    expect(known.body).not.toContain(existing.id);
    // Not a member of the workspace until they accept.
    const list = json<{ members: { userId: string }[] }>(await call({ method: 'GET', url }));
    expect(list.members.map((m) => m.userId)).not.toContain(existing.id);
  });

  it('enumeration: password reset answers the same status and body for known and unknown addresses, and mails only the known', async () => {
    const u = await createUser(ctx.app);
    const unknown = `nobody-${Date.now()}@example.com`;
    const reset = (email: string) =>
      ctx.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
    const [a, b] = [await reset(u.email), await reset(unknown)];
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.body).toBe(b.body);
    const mails = await ctx.app.db
      .selectFrom('outbox')
      .select('to_address')
      .where('to_address', 'in', [u.email, unknown])
      .where('template', '=', 'reset_password')
      .execute();
    expect(mails.map((m) => m.to_address)).toEqual([u.email]);
    const standIns = await ctx.app.db
      .selectFrom('users')
      .select('id')
      .where('email', 'like', 'reset-stand-in-%')
      .execute();
    expect(standIns).toEqual([]);
  });

  it('members see agents they cannot open: effective access about a hidden or foreign agent answers the same 404 as a random id', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const visible = await createAgent(ctx.app, admin, ws.id);
    const hidden = await createAgent(ctx.app, admin, ws.id);
    const other = await createWorkspace(ctx.app, admin);
    const foreign = await createAgent(ctx.app, admin, other.id);
    const viewer = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, visible.id, viewer);
    const effective = (agentId: string) =>
      as(
        ctx.app,
        viewer,
      )({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${viewer.id}/effective?agentId=${agentId}` });
    expect((await effective(visible.id)).statusCode).toBe(200);
    const random = await effective('00000000-0000-4000-8000-000000000000');
    expect(random.statusCode).toBe(404);
    const strip = (body: string) => {
      const { instance: _i, requestId: _r, ...rest } = JSON.parse(body) as Record<string, unknown>;
      return rest;
    };
    for (const agentId of [hidden.id, foreign.id]) {
      const res = await effective(agentId);
      expect(res.statusCode, res.body).toBe(404);
      expect(strip(res.body)).toEqual(strip(random.body));
    }
    // The admin, who may open every agent of the workspace, still gets the answer.
    const asAdmin = await as(
      ctx.app,
      admin,
    )({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${viewer.id}/effective?agentId=${hidden.id}` });
    expect(asAdmin.statusCode).toBe(200);
  });

  it('no mail cannon: verification emails are limited per account per hour (429 rate_limited with Retry-After)', async () => {
    const u = await createUser(ctx.app);
    await ctx.app.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', u.id).execute();
    const ask = () => as(ctx.app, u)({ method: 'POST', url: '/v1/me/verify-email' });
    const sentBySignUp = 1;
    const limit = ctx.app.config.verificationEmailsPerHour;
    expect(limit).toBe(5);
    for (let i = 0; i < limit; i++) expect((await ask()).statusCode).toBe(202);
    const refused = await ask();
    expect(refused.statusCode, refused.body).toBe(429);
    expect(json(refused)).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const sent = await ctx.app.db
      .selectFrom('outbox')
      .select('id')
      .where('to_address', '=', u.email)
      .where('template', '=', 'verify_email')
      .execute();
    expect(sent.length).toBe(sentBySignUp + limit);
    // Another account is not affected.
    const other = await createUser(ctx.app);
    await ctx.app.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', other.id)
      .execute();
    expect((await as(ctx.app, other)({ method: 'POST', url: '/v1/me/verify-email' })).statusCode).toBe(202);
  });
});
