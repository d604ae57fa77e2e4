import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
  signInAs,
  type TestUser,
} from './factories';
import { json, useTestApp } from './harness';

/**
 * The rules of docs/rules.md §2–§4 as executable scenarios, one test per rule, each
 * named after the rule (docs/permission-model.md lists them beside the rule).
 * Everything goes through the HTTP API on a real database.
 */

const ctx = useTestApp();

type Level = 'none' | 'read' | 'edit';

/**
 * What the check API answers `asker` about `who` (by default `who` about
 * themselves: members may check themselves). Always a 200: someone who may
 * not ask is a test of its own ({@link expectHidden}), never read as "none".
 */
async function level(
  who: TestUser,
  workspaceId: string,
  permission: string,
  agentId: string | null = null,
  atLeastRevision?: number,
  asker: TestUser = who,
): Promise<Level> {
  const res = await as(
    ctx.app,
    asker,
  )({
    method: 'POST',
    url: '/v1/check',
    payload: {
      workspaceId,
      agentId,
      subject: { userId: who.id },
      permission,
      level: 'read',
      ...(atLeastRevision ? { atLeastRevision } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ level: Level }>(res).level;
}

/** `who` asks about themselves in a workspace they are not in: 404, exactly like a workspace that does not exist. */
async function expectHidden(who: TestUser, workspaceId: string, permission: string): Promise<void> {
  const res = await as(
    ctx.app,
    who,
  )({
    method: 'POST',
    url: '/v1/check',
    payload: { workspaceId, subject: { userId: who.id }, permission, level: 'read' },
  });
  expectNotFound(res, 'workspace');
}

/** A 404 from the guard or the handler (not the router's "No route"): the resource is hidden or absent. */
function expectNotFound(res: LightMyRequestResponse, what: 'workspace' | 'agent'): void {
  expect(res.statusCode, res.body).toBe(404);
  expect(json(res)).toMatchObject({ code: 'not_found', detail: `No such ${what}` });
}

function code(res: LightMyRequestResponse): string {
  return String(json(res).code);
}

/** A workspace with an admin, ready for a scenario. */
async function setup(name?: string) {
  const admin = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, admin, name);
  return { admin, ws, asAdmin: as(ctx.app, admin) };
}

async function outbox(to: string) {
  return ctx.app.db
    .selectFrom('outbox')
    .select(['template', 'subject', 'text_body'])
    .where('to_address', '=', to)
    .orderBy('created_at')
    .execute();
}

function tokenFrom(text: string): string {
  const m = /token=([\w-]+)/.exec(text);
  if (!m?.[1]) throw new Error(`no token in ${text}`);
  return m[1];
}

describe('docs/rules.md §2 — the permission catalog and presets', () => {
  it('setting an area sets every item but the sensitive ones, and an item can differ from its area', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const res = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { matrix: { analytics: 'edit', build: 'read', 'build.knowledge': 'edit' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await level(m, ws.id, 'analytics.conversations')).toBe('edit');
    expect(await level(m, ws.id, 'analytics.conversation_pii')).toBe('none');
    expect(await level(m, ws.id, 'analytics.call_download')).toBe('none');
    expect(await level(m, ws.id, 'build.flows')).toBe('read');
    expect(await level(m, ws.id, 'build.knowledge')).toBe('edit');
    expect(await level(m, ws.id, 'configure.general')).toBe('none');
  });

  it('a matrix with an unknown item is refused with 400 naming the item', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const res = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { matrix: { 'build.knowledg': 'edit' } },
    });
    expect(res.statusCode).toBe(400);
    expect(json<{ code: string; errors: { path: string }[] }>(res)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/matrix/build.knowledg' }],
    });
  });

  it('built-in presets are read-only and copyable into custom ones', async () => {
    const { ws, asAdmin } = await setup();
    const list = json<{ presets: { id: string; builtin: boolean }[] }>(
      await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}/presets` }),
    ).presets;
    expect(list.filter((p) => p.builtin).map((p) => p.id)).toContain('knowledge_editor');
    const edit = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/presets/knowledge_editor`,
      payload: { name: 'Mine' },
    });
    expect(edit.statusCode).toBe(403);
    const copy = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/presets`,
      payload: { name: 'Our knowledge editor', copyFrom: 'knowledge_editor' },
    });
    expect(copy.statusCode, copy.body).toBe(201);
    expect(json<{ matrix: Record<string, string>; builtin: boolean }>(copy)).toMatchObject({
      builtin: false,
      matrix: { 'build.knowledge': 'edit', 'build.flows': 'read' },
    });
  });

  it('editing a preset changes every linked member at once', async () => {
    const { admin, ws, asAdmin } = await setup();
    const preset = json<{ id: string }>(
      await asAdmin({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'Support', matrix: { build: 'read' } },
      }),
    );
    const a = await addMember(ctx.app, admin, ws.id, { presetId: preset.id });
    const b = await addMember(ctx.app, admin, ws.id, { presetId: preset.id });
    expect(await level(a, ws.id, 'build.knowledge')).toBe('read');
    const res = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/presets/${preset.id}`,
      payload: { matrix: { build: 'read', 'build.knowledge': 'edit' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ revision: number; version: number; linked: { members: number } }>(res);
    expect(body.version).toBe(2);
    expect(body.linked.members).toBe(2);
    expect(await level(a, ws.id, 'build.knowledge', null, body.revision)).toBe('edit');
    expect(await level(b, ws.id, 'build.knowledge', null, body.revision)).toBe('edit');
  });

  it('every version of a preset is kept and two versions can be compared', async () => {
    const { ws, asAdmin } = await setup();
    const p = json<{ id: string }>(
      await asAdmin({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'Versioned', matrix: { build: 'read' } },
      }),
    );
    await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}`,
      payload: { matrix: { build: 'read', 'build.knowledge': 'edit' } },
    });
    const versions = json<{ versions: { version: number }[] }>(
      await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}/presets/${p.id}/versions` }),
    ).versions;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const cmp = await asAdmin({
      method: 'GET',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}/compare?from=1&to=2`,
    });
    expect(json(cmp).changes).toEqual([{ permission: 'build.knowledge', before: 'read', after: 'edit' }]);
  });

  it('a preset in use cannot be deleted without reassigning', async () => {
    const { admin, ws, asAdmin } = await setup();
    const p = json<{ id: string }>(
      await asAdmin({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/presets`,
        payload: { name: 'In use', matrix: { deployments: 'edit' } },
      }),
    );
    const m = await addMember(ctx.app, admin, ws.id, { presetId: p.id });
    const refused = await asAdmin({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/presets/${p.id}` });
    expect(refused.statusCode).toBe(409);
    expect(json(refused)).toMatchObject({ code: 'conflict', usage: { members: 1 } });
    const ok = await asAdmin({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/presets/${p.id}?reassignTo=read_only_reviewer`,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const member = json<{ presetId: string }>(
      await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${m.id}` }),
    );
    expect(member.presetId).toBe('read_only_reviewer');
    expect(await level(m, ws.id, 'deployments.environments')).toBe('read');
  });

  it('administrative capabilities come from roles, never from matrices', async () => {
    const { admin, ws } = await setup();
    const m = await addMember(ctx.app, admin, ws.id, {
      matrix: { analytics: 'edit', build: 'edit', channels: 'edit', configure: 'edit', deployments: 'edit' },
    });
    const asM = as(ctx.app, m);
    const other = await addMember(ctx.app, admin, ws.id);
    expect(
      (await asM({ method: 'PATCH', url: `/v1/workspaces/${ws.id}`, payload: { name: 'x' } })).statusCode,
    ).toBe(403);
    const role = await asM({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${other.id}`,
      payload: { role: 'admin', confirmReset: true },
    });
    expect(role.statusCode).toBe(403);
    const policies = await asM({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: [], caps: [] },
    });
    expect(policies.statusCode).toBe(403);
  });
});

describe('docs/rules.md §2 — capabilities of agents', () => {
  it('any member can create an agent and becomes its agent admin', async () => {
    const { admin, ws } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, m, ws.id);
    const got = json<{ myRole: string; can: Record<string, boolean> }>(
      await as(ctx.app, m)({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}` }),
    );
    expect(got.myRole).toBe('agent_admin');
    expect(got.can['agent.manage']).toBe(true);
    expect(got.can['agent.approve']).toBe(false);
    expect(await level(m, ws.id, 'build.knowledge', agent.id)).toBe('edit');
  });

  it('an agent admin sees the plan and status of their agent; an agent user does not', async () => {
    const { admin, ws } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const user = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id, { plan: 'pro' });
    await addAgentMember(ctx.app, owner, ws.id, agent.id, user);
    const forOwner = json(
      await as(ctx.app, owner)({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}` }),
    );
    expect(forOwner).toMatchObject({ plan: 'pro', status: 'pending_approval' });
    const forUser = json(
      await as(ctx.app, user)({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}` }),
    );
    expect(forUser).toMatchObject({ plan: null, status: null, myRole: 'agent_user' });
  });

  it('only a workspace admin approves or rejects a paid agent', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const other = await addMember(ctx.app, admin, ws.id, { agentAccess: 'all' });
    const agent = await createAgent(ctx.app, owner, ws.id, { plan: 'enterprise' });
    const byMember = await as(
      ctx.app,
      other,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/approve`,
    });
    expect(byMember.statusCode).toBe(403);
    const ok = await asAdmin({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/reject` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ status: 'rejected' });
    const again = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/approve`,
    });
    expect(again.statusCode).toBe(409);
  });

  it('an agent admin cannot approve their own paid agent', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id, { plan: 'pro' });
    expect(agent.status).toBe('pending_approval');
    // Even once promoted to workspace admin, the person who asked for the paid plan cannot decide on it.
    await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${owner.id}`,
      payload: { role: 'admin', confirmReset: true },
    });
    const own = await as(
      ctx.app,
      owner,
    )({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/approve` });
    expect(own.statusCode).toBe(403);
    const ok = await asAdmin({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/approve` });
    expect(json(ok)).toMatchObject({ status: 'approved' });
  });

  it('every user can leave a workspace', async () => {
    const { admin, ws } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const res = await as(ctx.app, m)({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` });
    expect(res.statusCode).toBe(200);
    expectNotFound(await as(ctx.app, m)({ method: 'GET', url: `/v1/workspaces/${ws.id}` }), 'workspace');
  });
});

describe('docs/rules.md §3 — the decision', () => {
  it("a non-member gets none and the workspace's resources answer 404", async () => {
    const { admin, ws } = await setup();
    const stranger = await createUser(ctx.app);
    const s = as(ctx.app, stranger);
    expectNotFound(await s({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` }), 'workspace');
    expectNotFound(
      await s({ method: 'PATCH', url: `/v1/workspaces/${ws.id}`, payload: { name: 'x' } }),
      'workspace',
    );
    await expectHidden(stranger, ws.id, 'build.knowledge');
    expect(await level(stranger, ws.id, 'build.knowledge', null, undefined, admin)).toBe('none');
  });

  it('a workspace admin has edit on everything and policies do not cap admins', async () => {
    const { admin, ws, asAdmin } = await setup();
    await asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: ['embedding_disabled', 'conversations_hidden'], caps: [] },
    });
    expect(await level(admin, ws.id, 'channels.chat')).toBe('edit');
    expect(await level(admin, ws.id, 'analytics.conversations')).toBe('edit');
    expect(await level(admin, ws.id, 'analytics.conversation_pii')).toBe('edit');
  });

  it('a workspace admin is agent admin on every agent', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const colleague = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const list = json<{ agents: { id: string }[] }>(
      await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents` }),
    );
    expect(list.agents.map((a) => a.id)).toContain(agent.id);
    const add = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members`,
      payload: { userId: colleague.id, role: 'agent_user' },
    });
    expect(add.statusCode, add.body).toBe(201);
    const rename = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}`,
      payload: { name: 'Renamed' },
    });
    expect(rename.statusCode).toBe(200);
    expect(await level(admin, ws.id, 'build.knowledge', agent.id)).toBe('edit');
  });

  it('membership alone gives no agent; agentAccess all gives every agent', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, admin, ws.id);
    const asM = as(ctx.app, m);
    expect(
      json<{ agents: unknown[] }>(await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents` })).agents,
    ).toEqual([]);
    expectNotFound(await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}` }), 'agent');
    await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { agentAccess: 'all' },
    });
    const list = json<{ agents: { id: string; myRole: string | null }[] }>(
      await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents` }),
    ).agents;
    expect(list).toMatchObject([{ id: agent.id, myRole: null }]);
  });

  it('grants only add: the level is the maximum of the workspace grant and the agent grant', async () => {
    const { admin, ws } = await setup();
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'read' } });
    const agent = await createAgent(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, agent.id, m, {
      matrix: { 'build.knowledge': 'edit', 'build.flows': 'none' },
    });
    expect(await level(m, ws.id, 'build.knowledge', agent.id)).toBe('edit');
    expect(await level(m, ws.id, 'build.flows', agent.id)).toBe('read');
    expect(await level(m, ws.id, 'build.knowledge')).toBe('read');
  });

  it('embedding_disabled caps an agent admin to read on channels.chat', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    expect(await level(owner, ws.id, 'channels.chat', agent.id)).toBe('edit');
    const res = await asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: ['embedding_disabled'], caps: [] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      await level(owner, ws.id, 'channels.chat', agent.id, json<{ revision: number }>(res).revision),
    ).toBe('read');
    expect(await level(owner, ws.id, 'channels.voice', agent.id)).toBe('edit');
  });

  it('conversations_hidden caps conversations to none and security_enforced caps security to read', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { analytics: 'edit', configure: 'edit' } });
    await asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: ['conversations_hidden', 'security_enforced'], caps: [] },
    });
    expect(await level(m, ws.id, 'analytics.conversations')).toBe('none');
    expect(await level(m, ws.id, 'configure.security')).toBe('read');
    expect(await level(m, ws.id, 'configure.general')).toBe('edit');
  });

  it('an agent-specific cap tightens only that agent and the smallest cap wins', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const x = await createAgent(ctx.app, owner, ws.id);
    const y = await createAgent(ctx.app, owner, ws.id);
    const res = await asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: {
        named: [],
        caps: [
          { permission: 'build.tools', maxLevel: 'read' },
          { permission: 'build.tools', maxLevel: 'none', agentId: x.id },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await level(owner, ws.id, 'build.tools', x.id)).toBe('none');
    expect(await level(owner, ws.id, 'build.tools', y.id)).toBe('read');
  });

  it('an agent of another workspace gives none to everyone and 404 on its routes', async () => {
    const a = await setup();
    const b = await setup();
    const foreign = await createAgent(ctx.app, b.admin, b.ws.id);
    expectNotFound(
      await a.asAdmin({ method: 'GET', url: `/v1/workspaces/${a.ws.id}/agents/${foreign.id}` }),
      'agent',
    );
    const cap = await a.asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${a.ws.id}/policies`,
      payload: { named: [], caps: [{ permission: 'build.tools', maxLevel: 'read', agentId: foreign.id }] },
    });
    expectNotFound(cap, 'agent');
    expect(await level(a.admin, a.ws.id, 'build.knowledge', foreign.id)).toBe('none');
  });

  it("changes take effect immediately: a write returns a revision and the colleague's next check sees it", async () => {
    const { admin, ws, asAdmin } = await setup();
    const colleague = await addMember(ctx.app, admin, ws.id);
    expect(await level(colleague, ws.id, 'build.knowledge')).toBe('none');
    const res = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${colleague.id}`,
      payload: { matrix: { build: 'read', 'build.knowledge': 'edit' } },
    });
    const { revision } = json<{ revision: number }>(res);
    expect(revision).toBeGreaterThan(1);
    expect(await level(colleague, ws.id, 'build.knowledge', null, revision)).toBe('edit');
    expect(await level(colleague, ws.id, 'build.flows')).toBe('read');
  });

  it("a removed member's next request fails", async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const asM = as(ctx.app, m);
    expect((await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` })).statusCode).toBe(200);
    const res = await asAdmin({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { confirm: m.email },
    });
    expect(res.statusCode, res.body).toBe(200);
    expectNotFound(await asM({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` }), 'workspace');
    await expectHidden(m, ws.id, 'build.knowledge');
    expect(await level(m, ws.id, 'build.knowledge', null, undefined, admin)).toBe('none');
  });
});

describe('docs/rules.md §4 — lifecycle rules', () => {
  it('any signed-in user can create a workspace and becomes its admin', async () => {
    const u = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, u);
    const me = json<{ members: { userId: string; role: string }[] }>(
      await as(ctx.app, u)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` }),
    );
    expect(me.members).toMatchObject([{ userId: u.id, role: 'admin' }]);
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/v1/workspaces', payload: { name: 'x' } })).statusCode,
    ).toBe(401);
  });

  it('anyone invited to an agent becomes a workspace member', async () => {
    const { admin, ws } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const outsider = await createUser(ctx.app);
    const res = await as(
      ctx.app,
      owner,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [outsider.email], agents: [{ agentId: agent.id, role: 'agent_user' }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [result] = json<{ results: { email: string; status: string; invitationId: string }[] }>(
      res,
    ).results;
    expect(result).toMatchObject({ email: outsider.email, status: 'invited' });
    await acceptInvitation(ctx.app, outsider, result?.invitationId ?? '');
    const member = json(
      await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${outsider.id}` }),
    );
    expect(member).toMatchObject({
      role: 'member',
      agentAccess: 'assigned',
      agents: [{ agentId: agent.id, role: 'agent_user' }],
    });
  });

  it('nobody edits their own role or permissions', async () => {
    const { admin, ws, asAdmin } = await setup();
    await addMember(ctx.app, admin, ws.id, { role: 'admin' });
    const self = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${admin.id}`,
      payload: { matrix: { build: 'edit' } },
    });
    expect(self.statusCode).toBe(403);
    const role = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${admin.id}`,
      payload: { role: 'member', confirmReset: true },
    });
    expect(role.statusCode).toBe(403);
  });

  it("changing a member's workspace role asks to confirm that their agent permissions will be reset", async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'read' } });
    const agent = await createAgent(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, agent.id, m, { role: 'agent_admin' });
    const url = `/v1/workspaces/${ws.id}/members/${m.id}`;
    const unconfirmed = await asAdmin({ method: 'PATCH', url, payload: { role: 'admin' } });
    expect(unconfirmed.statusCode).toBe(422);
    expect(code(unconfirmed)).toBe('confirmation_mismatch');
    const up = await asAdmin({ method: 'PATCH', url, payload: { role: 'admin', confirmReset: true } });
    expect(json(up)).toMatchObject({ role: 'admin', agentAccess: 'all', agents: [], matrix: null });
    const down = await asAdmin({ method: 'PATCH', url, payload: { role: 'member', confirmReset: true } });
    expect(json(down)).toMatchObject({ role: 'member', agentAccess: 'assigned', agents: [] });
    expect(await level(m, ws.id, 'build.knowledge', agent.id)).toBe('none');
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'before'])
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'member.role_changed')
      .orderBy('seq')
      .execute();
    expect(log[0]?.before).toMatchObject({
      role: 'member',
      agentRoles: [{ agentId: agent.id, role: 'agent_admin' }],
    });
  });

  it('bulk permission edits say whether they replace or merge', async () => {
    const { admin, ws, asAdmin } = await setup();
    const a = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'read', deployments: 'edit' } });
    const b = await addMember(ctx.app, admin, ws.id, { presetId: 'read_only_reviewer' });
    const url = `/v1/workspaces/${ws.id}/members/bulk-permissions`;
    const merge = await asAdmin({
      method: 'POST',
      url,
      payload: {
        userIds: [a.id, b.id],
        mode: 'merge',
        matrix: { 'build.knowledge': 'edit', 'deployments.history': 'none' },
      },
    });
    expect(merge.statusCode, merge.body).toBe(200);
    expect(json(merge).mode).toBe('merge');
    expect(await level(a, ws.id, 'build.knowledge')).toBe('edit');
    expect(await level(a, ws.id, 'deployments.environments')).toBe('edit');
    expect(await level(a, ws.id, 'deployments.history')).toBe('none');
    expect(await level(b, ws.id, 'configure.general')).toBe('read');
    const replace = await asAdmin({
      method: 'POST',
      url,
      payload: { userIds: [a.id, b.id], mode: 'replace', matrix: { channels: 'read' } },
    });
    expect(replace.statusCode).toBe(200);
    expect(await level(a, ws.id, 'build.knowledge')).toBe('none');
    expect(await level(b, ws.id, 'channels.voice')).toBe('read');
    expect(await level(b, ws.id, 'configure.general')).toBe('none');
    const withSelf = await asAdmin({
      method: 'POST',
      url,
      payload: { userIds: [admin.id], mode: 'replace', matrix: {} },
    });
    expect(withSelf.statusCode).toBe(403);
  });

  it('the member list exports to CSV with roles, agents and last activity', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, admin, ws.id, { name: '=Formula agent' });
    await addAgentMember(ctx.app, admin, ws.id, agent.id, m);
    const res = await asAdmin({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/export.csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('email,name,role,agent_access,preset,agents,last_activity,joined');
    const row = lines.find((l) => l.startsWith(m.email));
    expect(row).toContain(",member,assigned,,'=Formula agent (agent_user),");
    const adminRow = lines.find((l) => l.startsWith(admin.email)) ?? '';
    expect(adminRow.split(',')[6]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(
      (await as(ctx.app, m)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/export.csv` })).statusCode,
    ).toBe(403);
  });

  it('the last admin cannot be demoted, removed or leave', async () => {
    const { ws, asAdmin, admin } = await setup();
    const leave = await asAdmin({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` });
    expect(leave.statusCode).toBe(409);
    expect(code(leave)).toBe('last_admin');
    const demote = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${admin.id}`,
      payload: { role: 'member', confirmReset: true },
    });
    expect(code(demote)).toBe('last_admin');
    const remove = await asAdmin({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/members/${admin.id}`,
      payload: { confirm: admin.email },
    });
    expect(code(remove)).toBe('last_admin');
    const second = await addMember(ctx.app, admin, ws.id, { role: 'admin' });
    expect((await asAdmin({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` })).statusCode).toBe(200);
    const last = await as(ctx.app, second)({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` });
    expect(code(last)).toBe('last_admin');
  });

  it('only admins change workspace roles', async () => {
    const { admin, ws } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    await createAgent(ctx.app, owner, ws.id);
    const other = await addMember(ctx.app, admin, ws.id);
    const res = await as(
      ctx.app,
      owner,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${other.id}`,
      payload: { role: 'admin', confirmReset: true },
    });
    expect(res.statusCode).toBe(403);
  });

  it('an agent admin can never make anyone a workspace admin', async () => {
    const { admin, ws } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const res = await as(
      ctx.app,
      owner,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: {
        emails: ['newcomer@example.com'],
        role: 'admin',
        agents: [{ agentId: agent.id, role: 'agent_user' }],
      },
    });
    expect(res.statusCode).toBe(403);
    expect(
      await ctx.app.db
        .selectFrom('invitations')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('email', '=', 'newcomer@example.com')
        .execute(),
    ).toEqual([]);
  });

  it('an agent admin can only act on their own agents’ users', async () => {
    const { admin, ws } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id, { agentAccess: 'all' });
    const mine = await createAgent(ctx.app, owner, ws.id);
    const theirs = await createAgent(ctx.app, admin, ws.id);
    const u = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, theirs.id, u);
    const asOwner = as(ctx.app, owner);
    const add = await asOwner({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${theirs.id}/members`,
      payload: { userId: owner.id, role: 'agent_admin' },
    });
    expect(add.statusCode).toBe(403);
    const edit = await asOwner({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/agents/${theirs.id}/members/${u.id}`,
      payload: { role: 'agent_admin' },
    });
    expect(edit.statusCode).toBe(403);
    const ws_ = await asOwner({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${u.id}`,
      payload: { matrix: { build: 'read' } },
    });
    expect(ws_.statusCode).toBe(403);
    const own = await asOwner({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${mine.id}/members`,
      payload: { userId: u.id, role: 'agent_user', matrix: { build: 'edit' } },
    });
    expect(own.statusCode, own.body).toBe(201);
    const remove = await asOwner({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/agents/${mine.id}/members/${u.id}`,
    });
    expect(remove.statusCode).toBe(200);
  });

  it('nobody grants what they do not hold', async () => {
    const { admin, ws, asAdmin } = await setup();
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const u = await addMember(ctx.app, admin, ws.id);
    await asAdmin({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: ['embedding_disabled'], caps: [] },
    });
    const over = await as(
      ctx.app,
      owner,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members`,
      payload: { userId: u.id, role: 'agent_user', matrix: { channels: 'edit' } },
    });
    expect(over.statusCode).toBe(403);
    expect(json(over)).toMatchObject({ code: 'forbidden', permissions: ['channels.chat'] });
    const within = await as(
      ctx.app,
      owner,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members`,
      payload: { userId: u.id, role: 'agent_user', matrix: { channels: 'edit', 'channels.chat': 'read' } },
    });
    expect(within.statusCode, within.body).toBe(201);
  });

  it('an agent user cannot invite', async () => {
    const { admin, ws } = await setup();
    const agent = await createAgent(ctx.app, admin, ws.id);
    const u = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, agent.id, u);
    const asU = as(ctx.app, u);
    const toAgent = await asU({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: ['friend@example.com'], agents: [{ agentId: agent.id, role: 'agent_user' }] },
    });
    expect(toAgent.statusCode).toBe(403);
    const toWorkspace = await asU({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: ['friend@example.com'] },
    });
    expect(toWorkspace.statusCode).toBe(403);
    const direct = await asU({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members`,
      payload: { email: admin.email, role: 'agent_user' },
    });
    expect(direct.statusCode).toBe(403);
  });

  it('an existing account is invited like any address and joins only by accepting', async () => {
    const { ws, asAdmin } = await setup('Notify Co');
    const u = await createUser(ctx.app);
    const res = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [u.email.toUpperCase()], presetId: 'builder' },
    });
    const [result] = json<{ results: { status: string; invitationId: string }[] }>(res).results;
    expect(result).toEqual({ email: u.email, status: 'invited', invitationId: expect.any(String) });
    // Not a member until they accept (docs/rules.md §4).
    expect((await as(ctx.app, u)({ method: 'GET', url: `/v1/workspaces/${ws.id}` })).statusCode).toBe(404);
    const mails = await outbox(u.email);
    // The sign-up's verification email, then the invitation: no "added you" notice.
    expect(mails.map((m) => m.template)).toEqual(['verify_email', 'invitation']);
    expect(mails[1]?.subject).toContain('Notify Co');
    const pending = json<{ invitations: { id: string }[] }>(
      await as(ctx.app, u)({ method: 'GET', url: '/v1/me/invitations' }),
    );
    expect(pending.invitations.map((i) => i.id)).toEqual([result?.invitationId]);
    await acceptInvitation(ctx.app, u, result?.invitationId ?? '');
    expect(await level(u, ws.id, 'build.flows')).toBe('edit');
  });

  it('a new address gets a single-use link by email, and signing up with it joins', async () => {
    const { ws, asAdmin } = await setup('Signup Co');
    const email = `new-${Date.now()}@example.com`;
    const res = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [email], matrix: { build: 'read', 'build.knowledge': 'edit' } },
    });
    expect(json(res).results).toMatchObject([{ email, status: 'invited' }]);
    const [mail] = await outbox(email);
    expect(mail?.template).toBe('invitation');
    const token = tokenFrom(mail?.text_body ?? '');
    const stored = await ctx.app.db
      .selectFrom('invitations')
      .select('token_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBe(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const lookup = await ctx.app.inject({ method: 'GET', url: `/v1/invitations/lookup?token=${token}` });
    expect(json(lookup)).toMatchObject({
      workspace: { name: 'Signup Co' },
      email,
      status: 'pending',
      accountExists: false,
    });

    const accept = await ctx.app.inject({
      method: 'POST',
      url: '/v1/invitations/accept',
      payload: { token, name: 'New Person', password: 'a long enough passphrase 42' },
    });
    expect(accept.statusCode, accept.body).toBe(201);
    const body = json<{ userId: string; workspaceId: string; csrfToken: string }>(accept);
    expect(body.workspaceId).toBe(ws.id);
    const session = accept.cookies.find((c) => c.name === 'atrium_session');
    expect(session).toBeDefined();
    const joined: TestUser = {
      id: body.userId,
      email,
      name: 'New Person',
      password: '',
      cookie: `atrium_session=${session?.value}`,
      csrf: body.csrfToken,
    };
    expect(await level(joined, ws.id, 'build.knowledge')).toBe('edit');
    const reuse = await ctx.app.inject({
      method: 'POST',
      url: '/v1/invitations/accept',
      payload: { token, name: 'Again', password: 'a long enough passphrase 42' },
    });
    expect(code(reuse)).toBe('invitation_used');
  });

  it('signing in with the invited email joins', async () => {
    const { ws, asAdmin } = await setup();
    const email = `later-${Date.now()}@example.com`;
    await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [email] },
    });
    const token = tokenFrom((await outbox(email))[0]?.text_body ?? '');
    // The person signs up on their own first (an account now exists), then signs in and accepts.
    const u = await createUser(ctx.app, { email });
    const res = await as(ctx.app, u)({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ workspaceId: ws.id, role: 'member' });
    expect((await as(ctx.app, u)({ method: 'GET', url: `/v1/workspaces/${ws.id}` })).statusCode).toBe(200);
  });

  it('resending gives a new link and the old one dies', async () => {
    const { ws, asAdmin } = await setup();
    const email = `resend-${Date.now()}@example.com`;
    const inv = json<{ results: { invitationId: string }[] }>(
      await asAdmin({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/invitations`,
        payload: { emails: [email] },
      }),
    ).results[0];
    const oldToken = tokenFrom((await outbox(email))[0]?.text_body ?? '');
    const resend = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations/${inv?.invitationId}/resend`,
    });
    expect(resend.statusCode, resend.body).toBe(200);
    const mails = await outbox(email);
    expect(mails).toHaveLength(2);
    const newToken = tokenFrom(mails[1]?.text_body ?? '');
    expect(newToken).not.toBe(oldToken);
    expect(
      code(await ctx.app.inject({ method: 'GET', url: `/v1/invitations/lookup?token=${oldToken}` })),
    ).toBe('token_invalid');
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/v1/invitations/lookup?token=${newToken}` })).statusCode,
    ).toBe(200);
  });

  it('expired, revoked, used and wrong-email invitations each give their own error', async () => {
    const { ws, asAdmin } = await setup();
    const invite = async (email: string) => {
      const r = json<{ results: { invitationId: string }[] }>(
        await asAdmin({
          method: 'POST',
          url: `/v1/workspaces/${ws.id}/invitations`,
          payload: { emails: [email] },
        }),
      ).results[0];
      return { id: r?.invitationId as string, token: tokenFrom((await outbox(email))[0]?.text_body ?? '') };
    };
    const stamp = Date.now();
    const expired = await invite(`expired-${stamp}@example.com`);
    await ctx.app.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', expired.id)
      .execute();
    const revoked = await invite(`revoked-${stamp}@example.com`);
    expect(
      (await asAdmin({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/invitations/${revoked.id}` }))
        .statusCode,
    ).toBe(200);
    const wrong = await invite(`someone-${stamp}@example.com`);
    const other = await createUser(ctx.app);
    const accept = (token: string) =>
      as(ctx.app, other)({ method: 'POST', url: '/v1/invitations/accept', payload: { token } });
    const e = await accept(expired.token);
    expect([e.statusCode, code(e)]).toEqual([410, 'invitation_expired']);
    const r = await accept(revoked.token);
    expect([r.statusCode, code(r)]).toEqual([410, 'invitation_revoked']);
    const w = await accept(wrong.token);
    expect([w.statusCode, code(w)]).toEqual([403, 'invitation_email_mismatch']);
    const mine = await invite(other.email.replace('@', '+x@'));
    await ctx.app.db
      .updateTable('invitations')
      .set({ status: 'accepted' })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', mine.id)
      .execute();
    const u = await accept(mine.token);
    expect([u.statusCode, code(u)]).toEqual([410, 'invitation_used']);
    const bogus = await accept('not-a-real-token');
    expect([bogus.statusCode, code(bogus)]).toEqual([400, 'token_invalid']);
  });

  it('inviting the same email to the same target again updates the pending invitation', async () => {
    const { ws, asAdmin } = await setup();
    const email = `twice-${Date.now()}@example.com`;
    const url = `/v1/workspaces/${ws.id}/invitations`;
    const first = json<{ results: { invitationId: string; status: string }[] }>(
      await asAdmin({ method: 'POST', url, payload: { emails: [email], presetId: 'qa_analyst' } }),
    ).results[0];
    const second = json<{ results: { invitationId: string; status: string }[] }>(
      await asAdmin({ method: 'POST', url, payload: { emails: [email], presetId: 'builder' } }),
    ).results[0];
    expect(first?.status).toBe('invited');
    expect(second).toMatchObject({ status: 'updated', invitationId: first?.invitationId });
    const list = json<{ invitations: { email: string; presetId: string; sentCount: number }[] }>(
      await asAdmin({ method: 'GET', url }),
    ).invitations.filter((i) => i.email === email);
    expect(list).toMatchObject([{ presetId: 'builder', sentCount: 2 }]);
  });

  it('up to 100 addresses are invited in one request, each with its own result', async () => {
    const { ws, asAdmin } = await setup();
    const emails = Array.from({ length: 100 }, (_, i) => `bulk-${i}-${Date.now()}@example.com`);
    const res = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [...emails.slice(0, 98), 'not an email', emails[0]?.toUpperCase()] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const results = json<{ results: { status: string }[] }>(res).results;
    expect(results).toHaveLength(100);
    expect(results.filter((r) => r.status === 'invited')).toHaveLength(98);
    expect(results[98]).toMatchObject({ status: 'invalid' });
    expect(results[99]).toMatchObject({ status: 'duplicate' });
    const tooMany = await asAdmin({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [...emails, 'one-more@example.com'] },
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('a starter agent is approved at once', async () => {
    const { admin, ws } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    expect((await createAgent(ctx.app, m, ws.id, { plan: 'starter' })).status).toBe('approved');
  });

  it('a paid agent created by a member waits for approval', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, m, ws.id, { plan: 'pro' });
    expect(agent.status).toBe('pending_approval');
    const ok = await asAdmin({ method: 'POST', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/approve` });
    expect(json(ok)).toMatchObject({ status: 'approved', plan: 'pro' });
  });

  it("a workspace admin's own paid agent is approved at once", async () => {
    const { admin, ws } = await setup();
    expect((await createAgent(ctx.app, admin, ws.id, { plan: 'enterprise' })).status).toBe('approved');
  });

  it("a non-admin's paid upgrade goes back to pending approval", async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, m, ws.id, { plan: 'starter' });
    const up = await as(
      ctx.app,
      m,
    )({ method: 'PATCH', url: `/v1/workspaces/${ws.id}/agents/${agent.id}`, payload: { plan: 'pro' } });
    expect(json(up)).toMatchObject({ plan: 'pro', status: 'pending_approval' });
    const byAdmin = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}`,
      payload: { plan: 'enterprise' },
    });
    expect(json(byAdmin)).toMatchObject({ plan: 'enterprise', status: 'approved' });
  });

  it('deleting a member, an agent or a workspace asks to type its email or name', async () => {
    const { admin, ws, asAdmin } = await setup('Typed Name');
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, admin, ws.id, { name: 'Typed Agent' });
    const cases: [string, string, string][] = [
      [`/v1/workspaces/${ws.id}/members/${m.id}`, 'wrong@example.com', m.email],
      [`/v1/workspaces/${ws.id}/agents/${agent.id}`, 'typed agent', 'Typed Agent'],
      [`/v1/workspaces/${ws.id}`, 'Typed', 'Typed Name'],
    ];
    for (const [url, bad, good] of cases) {
      const no = await asAdmin({ method: 'DELETE', url, payload: { confirm: bad } });
      expect([no.statusCode, code(no)], url).toEqual([422, 'confirmation_mismatch']);
      const yes = await asAdmin({ method: 'DELETE', url, payload: { confirm: good } });
      expect(yes.statusCode, `${url}: ${yes.body}`).toBe(200);
    }
  });

  it('signing in grants nothing: a new account belongs to no workspace', async () => {
    const u = await createUser(ctx.app);
    const again = await signInAs(ctx.app, u.email, u.password);
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/workspaces',
      headers: { cookie: again.cookie },
    });
    expect(json(res)).toEqual({ workspaces: [] });
  });

  it('every change writes its activity entry and bumps the revision in the same transaction', async () => {
    const { admin, ws, asAdmin } = await setup();
    const m = await addMember(ctx.app, admin, ws.id);
    const before = await ctx.app.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', ws.id)
      .executeTakeFirstOrThrow();
    const res = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { matrix: { build: 'read', 'build.knowledge': 'edit' } },
    });
    expect(json(res).revision).toBe(Number(before.revision) + 1);
    const entry = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'after', 'target_id'])
      .where('workspace_id', '=', ws.id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(entry.action).toBe('permissions.updated');
    expect(entry.target_id).toBe(m.id);
    expect(entry.after).toMatchObject({ permissions: { 'build.knowledge': 'edit' } });
    expect((entry.after as { changes: string[] }).changes).toContain('build.knowledge: none → edit');
    // A write refused half-way leaves nothing behind: no entry, no bump.
    const refused = await asAdmin({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${m.id}`,
      payload: { agentAccess: 'all', role: 'admin' },
    });
    expect(refused.statusCode).toBe(422);
    const after = await ctx.app.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.revision)).toBe(json(res).revision);
  });
});
