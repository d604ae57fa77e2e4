import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

const path = (r: { body: string }) =>
  (JSON.parse(r.body) as { errors?: { path: string }[] }).errors?.[0]?.path;

describe('agents', () => {
  it('validates the name and plan, naming the field', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/agents`;
    const noName = await call({ method: 'POST', url, payload: { name: '   ', plan: 'pro' } });
    expect([noName.statusCode, path(noName)]).toEqual([400, '/body/name']);
    const plan = await call({ method: 'POST', url, payload: { name: 'Bot', plan: 'platinum' } });
    expect([plan.statusCode, path(plan)]).toEqual([400, '/body/plan']);
    expect(
      await ctx.app.db.selectFrom('agents').select('id').where('workspace_id', '=', ws.id).execute(),
    ).toEqual([]);
  });

  it('lists the agents a member can see, with their role and what they may do', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const mine = await createAgent(ctx.app, m, ws.id, { name: 'Mine' });
    const shared = await createAgent(ctx.app, admin, ws.id, { name: 'Shared' });
    await createAgent(ctx.app, admin, ws.id, { name: 'Hidden' });
    await addAgentMember(ctx.app, admin, ws.id, shared.id, m);
    const list = json<{
      agents: { id: string; myRole: string; plan: string | null; can: Record<string, boolean> }[];
    }>(await as(ctx.app, m)({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents` })).agents;
    expect(list.map((a) => [a.id, a.myRole, a.plan])).toEqual([
      [mine.id, 'agent_admin', 'starter'],
      [shared.id, 'agent_user', null],
    ]);
    expect(list[1]?.can).toMatchObject({ 'agent.use': true, 'agent.manage': false });
    const all = json<{ agents: unknown[] }>(
      await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents` }),
    );
    expect(all.agents).toHaveLength(3);
  });

  it('deleting an agent removes its agent roles and caps, and records it', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, admin, ws.id, { name: 'Temp' });
    await addAgentMember(ctx.app, admin, ws.id, agent.id, m);
    const call = as(ctx.app, admin);
    await call({
      method: 'PUT',
      url: `/v1/workspaces/${ws.id}/policies`,
      payload: { named: [], caps: [{ permission: 'build.tools', maxLevel: 'read', agentId: agent.id }] },
    });
    const del = await call({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/agents/${agent.id}`,
      payload: { confirm: 'Temp' },
    });
    expect(del.statusCode).toBe(200);
    expect(
      await ctx.app.db
        .selectFrom('agent_members')
        .select('user_id')
        .where('agent_id', '=', agent.id)
        .execute(),
    ).toEqual([]);
    expect(
      await ctx.app.db.selectFrom('policy_caps').select('id').where('workspace_id', '=', ws.id).execute(),
    ).toEqual([]);
    const member = json<{ agents: unknown[] }>(
      await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${m.id}` }),
    );
    expect(member.agents).toEqual([]);
    const entry = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'before'])
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'agent.deleted')
      .executeTakeFirstOrThrow();
    expect(entry.before).toMatchObject({ name: 'Temp' });
  });
});

describe('agent members', () => {
  it('adds a member by user id at once; by email, invites; refuses duplicates, outsiders by id and bad bodies', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const agent = await createAgent(ctx.app, admin, ws.id);
    const m = await addMember(ctx.app, admin, ws.id);
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/agents/${agent.id}/members`;
    const ok = await call({
      method: 'POST',
      url,
      payload: { userId: m.id, role: 'agent_user', presetId: 'qa_analyst' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json(ok)).toMatchObject({ userId: m.id, role: 'agent_user', presetId: 'qa_analyst' });
    const dup = await call({ method: 'POST', url, payload: { userId: m.id, role: 'agent_admin' } });
    expect(json(dup).code).toBe('conflict');
    const outsider = await createUser(ctx.app);
    const byId = await call({ method: 'POST', url, payload: { userId: outsider.id, role: 'agent_user' } });
    expect(byId.statusCode).toBe(404);
    const both = await call({
      method: 'POST',
      url,
      payload: { userId: m.id, email: m.email, role: 'agent_user' },
    });
    expect([both.statusCode, path(both)]).toEqual([400, '/body/userId']);
    // By email: an invitation to the agent, accepted by the invitee (docs/rules.md §4).
    const byEmail = await call({
      method: 'POST',
      url,
      payload: { email: outsider.email.toUpperCase(), role: 'agent_admin' },
    });
    expect(byEmail.statusCode, byEmail.body).toBe(202);
    const invited = json<{ email: string; status: string; invitationId: string }>(byEmail);
    expect(invited).toMatchObject({ email: outsider.email, status: 'invited' });
    const mail = await ctx.app.db
      .selectFrom('outbox')
      .select(['template', 'subject'])
      .where('to_address', '=', outsider.email)
      .where('template', '!=', 'verify_email')
      .executeTakeFirstOrThrow();
    expect(mail.template).toBe('invitation');
    const before = json<{ members: { userId: string }[] }>(await call({ method: 'GET', url }));
    expect(before.members.map((x) => x.userId)).not.toContain(outsider.id);
    await acceptInvitation(ctx.app, outsider, invited.invitationId);
    const after = json<{ members: { userId: string; role: string; workspaceRole: string }[] }>(
      await call({ method: 'GET', url }),
    );
    expect(after.members.map((x) => x.userId).sort()).toEqual([admin.id, m.id, outsider.id].sort());
    expect(after.members.find((x) => x.userId === outsider.id)).toMatchObject({
      role: 'agent_admin',
      workspaceRole: 'member',
    });
  });

  it('changes an agent role and grant, never one’s own', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const u = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, owner, ws.id, agent.id, u, { matrix: { build: 'read' } });
    const asOwner = as(ctx.app, owner);
    const base = `/v1/workspaces/${ws.id}/agents/${agent.id}/members`;
    const up = await asOwner({
      method: 'PATCH',
      url: `${base}/${u.id}`,
      payload: { role: 'agent_admin', matrix: { build: 'edit' } },
    });
    expect(json(up)).toMatchObject({ role: 'agent_admin', matrix: { 'build.knowledge': 'edit' } });
    const self = await asOwner({
      method: 'PATCH',
      url: `${base}/${owner.id}`,
      payload: { role: 'agent_user' },
    });
    expect(self.statusCode).toBe(403);
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'agent_id', 'after'])
      .where('workspace_id', '=', ws.id)
      .where('action', 'in', ['agent_member.role_changed', 'permissions.updated'])
      .orderBy('seq')
      .execute();
    expect(log.map((l) => [l.action, l.agent_id])).toEqual([
      ['agent_member.role_changed', agent.id],
      ['permissions.updated', agent.id],
    ]);
    expect((log[1]?.after as { changes?: string[] } | undefined)?.changes).toContain(
      'build.knowledge: read → edit',
    );
    const removed = await asOwner({ method: 'DELETE', url: `${base}/${u.id}` });
    expect(removed.statusCode).toBe(200);
    const again = await asOwner({ method: 'DELETE', url: `${base}/${u.id}` });
    expect(again.statusCode).toBe(404);
    // The workspace admin holds no role on this agent: there is nothing to remove.
    expect((await asOwner({ method: 'DELETE', url: `${base}/${admin.id}` })).statusCode).toBe(404);
  });
});
