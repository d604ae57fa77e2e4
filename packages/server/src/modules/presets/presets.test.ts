import { describe, expect, it } from 'vitest';
import { addMember, as, createUser, createWorkspace } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

const path = (r: { body: string }) =>
  (JSON.parse(r.body) as { errors?: { path: string }[] }).errors?.[0]?.path;

describe('presets', () => {
  it('validates custom presets and keeps names unique per workspace', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/presets`;
    const first = await call({
      method: 'POST',
      url,
      payload: { name: 'Support', matrix: { channels: 'read' } },
    });
    expect(first.statusCode).toBe(201);
    const dup = await call({ method: 'POST', url, payload: { name: 'Support', matrix: {} } });
    expect([dup.statusCode, path(dup)]).toEqual([409, '/body/name']);
    const both = await call({ method: 'POST', url, payload: { name: 'X', matrix: {}, copyFrom: 'builder' } });
    expect([both.statusCode, path(both)]).toEqual([400, '/body/matrix']);
    const badCopy = await call({ method: 'POST', url, payload: { name: 'Y', copyFrom: 'nope' } });
    expect([badCopy.statusCode, path(badCopy)]).toEqual([400, '/body/copyFrom']);
    const badItem = await call({
      method: 'POST',
      url,
      payload: { name: 'Z', matrix: { 'channels.fax': 'read' } },
    });
    expect([badItem.statusCode, path(badItem)]).toEqual([400, '/body/matrix/channels.fax']);
    const names = json<{ presets: { name: string; builtin: boolean }[] }>(
      await call({ method: 'GET', url }),
    ).presets;
    expect(names.filter((p) => !p.builtin).map((p) => p.name)).toEqual(['Support']);
    expect(names.filter((p) => p.builtin)).toHaveLength(10);
  });

  it('built-ins can be read (with their one version) but not edited or deleted', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const call = as(ctx.app, admin);
    const one = json<{ id: string; builtin: boolean; matrix: Record<string, string> }>(
      await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/presets/builder` }),
    );
    expect(one).toMatchObject({
      id: 'builder',
      builtin: true,
      can: { edit: false, delete: false, copy: true },
    });
    expect(one.matrix['deployments.environments']).toBe('read');
    expect(one.matrix['analytics.conversation_pii']).toBeUndefined();
    const versions = json<{ versions: unknown[] }>(
      await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/presets/builder/versions` }),
    );
    expect(versions.versions).toHaveLength(1);
    expect(
      (await call({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/presets/builder` })).statusCode,
    ).toBe(403);
  });

  it('a member reads presets but cannot create, edit or delete them', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const asM = as(ctx.app, m);
    const list = json<{ presets: { can: Record<string, boolean> }[] }>(
      await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/presets` }),
    );
    expect(list.presets.every((p) => !p.can.edit && !p.can.copy)).toBe(true);
    const create = await asM({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/presets`,
      payload: { name: 'Mine', matrix: {} },
    });
    expect(create.statusCode).toBe(403);
  });

  it('compare names a missing version, and reassigning to itself is refused', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const call = as(ctx.app, admin);
    const p = json<{ id: string }>(
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'V', matrix: { build: 'read' } },
      }),
    );
    const cmp = await call({
      method: 'GET',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}/compare?from=1&to=5`,
    });
    expect([cmp.statusCode, path(cmp)]).toEqual([400, '/querystring/to']);
    const self = await call({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}?reassignTo=${p.id}`,
    });
    expect([self.statusCode, path(self)]).toEqual([400, '/querystring/reassignTo']);
    // An edit that changes nothing makes no new version.
    const same = await call({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}`,
      payload: { matrix: { build: 'read' } },
    });
    expect(json(same)).toMatchObject({ version: 1, changes: [] });
  });

  it('deleting a preset linked by an agent membership reassigns it too', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const call = as(ctx.app, admin);
    const p = json<{ id: string }>(
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'A', matrix: { build: 'edit' } },
      }),
    );
    const agent = json<{ id: string }>(
      await call({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents`, payload: { name: 'Bot' } }),
    );
    const m = await addMember(ctx.app, admin, ws.id);
    await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members`,
      payload: { userId: m.id, role: 'agent_user', presetId: p.id },
    });
    await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: {
        emails: ['later@example.com'],
        agents: [{ agentId: agent.id, role: 'agent_user', presetId: p.id }],
      },
    });
    const refused = await call({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/presets/${p.id}` });
    expect(json(refused)).toMatchObject({
      code: 'conflict',
      usage: { members: 0, agentMembers: 1, apiKeys: 0, invitations: 1 },
    });
    const ok = await call({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}?reassignTo=content_editor`,
    });
    expect(ok.statusCode).toBe(200);
    const am = json<{ presetId: string }>(
      await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members/${m.id}` }),
    );
    expect(am.presetId).toBe('content_editor');
    const inv = await ctx.app.db
      .selectFrom('invitations')
      .select('agents')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(inv.agents).toMatchObject([{ agentId: agent.id, presetId: 'content_editor' }]);
  });
});
