import { describe, expect, it } from 'vitest';
import {
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

describe('workspaces', () => {
  it('any signed-in user creates a workspace and becomes its admin, with a can block', async () => {
    const alice = await createUser(ctx.app);
    const res = await as(
      ctx.app,
      alice,
    )({ method: 'POST', url: '/v1/workspaces', payload: { name: '  Acme  ' } });
    expect(res.statusCode).toBe(201);
    const ws = json<{
      id: string;
      name: string;
      role: string;
      revision: number;
      can: Record<string, boolean>;
    }>(res);
    expect(ws).toMatchObject({ name: 'Acme', role: 'admin' });
    expect(ws.revision).toBeGreaterThan(0);
    expect(ws.can['workspace.manage']).toBe(true);
    expect(ws.can['billing.manage']).toBe(true);
    const policies = await ctx.app.db
      .selectFrom('workspace_policies')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .executeTakeFirst();
    expect(policies).toBeDefined();
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'actor_id'])
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(log).toEqual([{ action: 'workspace.created', actor_id: alice.id }]);
  });

  it('lists only my workspaces, each with my role', async () => {
    const alice = await createUser(ctx.app);
    const bob = await createUser(ctx.app);
    const a = await createWorkspace(ctx.app, alice, 'Alice Co');
    const b = await createWorkspace(ctx.app, bob, 'Bob Co');
    await addMember(ctx.app, bob, b.id, { user: alice });
    const res = await as(ctx.app, alice)({ method: 'GET', url: '/v1/workspaces' });
    expect(res.statusCode).toBe(200);
    const list = json<{ workspaces: { id: string; role: string; can: Record<string, boolean> }[] }>(
      res,
    ).workspaces;
    expect(list.map((w) => [w.id, w.role]).sort()).toEqual(
      [
        [a.id, 'admin'],
        [b.id, 'member'],
      ].sort(),
    );
    expect(list.find((w) => w.id === b.id)?.can['workspace.manage']).toBe(false);
  });

  it('a member reads but cannot rename or delete; an admin renames; delete needs the exact name', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin, 'Rename Me');
    const member = await addMember(ctx.app, admin, ws.id);
    const asMember = as(ctx.app, member);
    expect((await asMember({ method: 'GET', url: `/v1/workspaces/${ws.id}` })).statusCode).toBe(200);
    const rename = await asMember({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}`,
      payload: { name: 'X' },
    });
    expect(rename.statusCode).toBe(403);
    expect(json(rename).code).toBe('forbidden');

    const asAdmin = as(ctx.app, admin);
    const ok = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}`,
      payload: { name: 'Renamed' },
    });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toMatchObject({ name: 'Renamed' });

    const empty = await asAdmin({ method: 'PATCH', url: `/v1/workspaces/${ws.id}`, payload: { name: '' } });
    expect(empty.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(empty).errors[0]?.path).toBe('/body/name');

    const wrong = await asAdmin({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}`,
      payload: { confirm: 'Rename Me' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(json(wrong).code).toBe('confirmation_mismatch');
    const del = await asAdmin({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}`,
      payload: { confirm: 'Renamed' },
    });
    expect(del.statusCode).toBe(200);
    expect((await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}` })).statusCode).toBe(404);
    expect((await asMember({ method: 'GET', url: `/v1/workspaces/${ws.id}` })).statusCode).toBe(404);
  });

  it('another workspace answers 404, never 403; signed-out answers 401', async () => {
    const alice = await createUser(ctx.app);
    const mallory = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, alice);
    const res = await as(
      ctx.app,
      mallory,
    )({ method: 'PATCH', url: `/v1/workspaces/${ws.id}`, payload: { name: 'x' } });
    expect(res.statusCode).toBe(404);
    const anon = await ctx.app.inject({ method: 'GET', url: `/v1/workspaces/${ws.id}` });
    expect(anon.statusCode).toBe(401);
  });

  it('deleting a workspace removes everything in it, and its activity log stays', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin, 'Full House');
    const call = as(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id, { presetId: 'builder' });
    const agent = await createAgent(ctx.app, admin, ws.id, { plan: 'pro' });
    await addAgentMember(ctx.app, admin, ws.id, agent.id, m);
    const setup = [
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'P', matrix: { build: 'read' } },
      }),
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/invitations`,
        payload: { emails: ['pending-person@example.com'] },
      }),
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/api-keys`,
        payload: { name: 'k', presetId: 'builder' },
      }),
      await call({
        method: 'PUT',
        url: `/v1/workspaces/${ws.id}/policies`,
        payload: {
          named: ['embedding_disabled'],
          caps: [{ permission: 'build.tools', maxLevel: 'read', agentId: agent.id }],
        },
      }),
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/tickets`,
        payload: { subject: 'Help', body: 'Please' },
      }),
    ];
    expect(
      setup.map((r) => r.statusCode),
      setup.map((r) => r.body).join('\n'),
    ).toEqual([201, 200, 201, 200, 201]);
    const del = await call({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}`,
      payload: { confirm: 'Full House' },
    });
    expect(del.statusCode, del.body).toBe(200);
    for (const table of [
      'workspace_members',
      'agents',
      'agent_members',
      'presets',
      'invitations',
      'api_keys',
      'policy_caps',
    ] as const) {
      const rows = await ctx.app.db
        .selectFrom(table)
        .select('workspace_id')
        .where('workspace_id', '=', ws.id)
        .execute();
      expect(rows, table).toEqual([]);
    }
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .orderBy('seq')
      .execute();
    expect(log.at(-1)?.action).toBe('workspace.deleted');
    expect((await as(ctx.app, m)({ method: 'GET', url: '/v1/workspaces' })).json()).toEqual({
      workspaces: [],
    });
  });

  it('a deletion is announced one revision on, so every instance drops the workspace', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin, 'Short Lived');
    const before = await ctx.app.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', ws.id)
      .executeTakeFirstOrThrow();
    const del = await as(
      ctx.app,
      admin,
    )({ method: 'DELETE', url: `/v1/workspaces/${ws.id}`, payload: { confirm: 'Short Lived' } });
    expect(del.statusCode, del.body).toBe(200);
    expect(json(del)).toEqual({ deleted: true, revision: Number(before.revision) + 1 });
    expect(await ctx.app.accessState.get(ws.id)).toBeNull();
  });
});
