/**
 * Regression tests for the black-box security probe's findings (issue 14),
 * each named after the finding. The list, with how each is prevented, is in
 * docs/security.md.
 */
import { describe, expect, it } from 'vitest';
import { addAgentMember, addMember, as, createAgent, createUser, createWorkspace } from './factories';
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
});
