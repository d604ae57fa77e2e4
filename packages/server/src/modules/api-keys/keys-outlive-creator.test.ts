import { randomUUID } from 'node:crypto';
import { hasCapability, type WorkspaceState } from '@atrium/policy';
import { describe, expect, it } from 'vitest';
import { addMember, as, createUser, createWorkspace, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

/**
 * Issue 14, "Keys outlive their creator": an API key is bound to the person
 * who created it (docs/rules.md §4 "API keys"). It stops working the moment
 * they are removed from the workspace, leave it, are demoted below
 * `workspace.manage` (the capability the API-keys routes require), or their
 * account is deleted — unless an admin transferred it to the workspace as a
 * service key (`api_key.transferred`).
 */

const ctx = useTestApp();

interface KeyView {
  id: string;
  name: string;
  status: string;
  owner: { type: 'user'; userId: string | null; name: string | null } | { type: 'workspace' };
}

/** A workspace with its founding admin and a second admin, Carol, who creates a key. */
async function world() {
  const founder = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, founder);
  const carol = await addMember(ctx.app, founder, ws.id, { role: 'admin' });
  const created = await as(
    ctx.app,
    carol,
  )({
    method: 'POST',
    url: `/v1/workspaces/${ws.id}/api-keys`,
    payload: { name: "Carol's CI key", presetId: 'builder' },
  });
  expect(created.statusCode).toBe(201);
  const { apiKey, secret } = json<{ apiKey: KeyView; secret: string }>(created);
  return { founder, carol, ws, apiKey, secret };
}

/** The key on an ordinary route (the members list) and on the check API. */
async function use(workspaceId: string, secret: string) {
  const key = as(ctx.app, { apiKey: secret });
  const members = await key({ method: 'GET', url: `/v1/workspaces/${workspaceId}/members` });
  const check = await key({
    method: 'POST',
    url: '/v1/check',
    payload: { workspaceId, subject: { userId: randomUUID() }, permission: 'build.knowledge', level: 'read' },
  });
  return { members, check };
}

async function expectWorks(workspaceId: string, secret: string) {
  const { members, check } = await use(workspaceId, secret);
  expect(members.statusCode).toBe(200);
  expect(check.statusCode).toBe(200);
}

async function expectRefused(workspaceId: string, secret: string) {
  const { members, check } = await use(workspaceId, secret);
  expect(members.statusCode).toBe(401);
  expect(json(members).code).toBe('unauthenticated');
  expect(check.statusCode).toBe(401);
  expect(json(check).code).toBe('unauthenticated');
}

async function keyView(admin: TestUser, workspaceId: string, id: string): Promise<KeyView> {
  const res = await as(
    ctx.app,
    admin,
  )({ method: 'GET', url: `/v1/workspaces/${workspaceId}/api-keys/${id}` });
  expect(res.statusCode).toBe(200);
  return json<KeyView>(res);
}

function removeMember(admin: TestUser, workspaceId: string, who: TestUser) {
  return as(
    ctx.app,
    admin,
  )({
    method: 'DELETE',
    url: `/v1/workspaces/${workspaceId}/members/${who.id}`,
    payload: { confirm: who.email },
  });
}

function transfer(who: TestUser, workspaceId: string, key: KeyView, confirm = key.name) {
  return as(
    ctx.app,
    who,
  )({
    method: 'POST',
    url: `/v1/workspaces/${workspaceId}/api-keys/${key.id}/transfer`,
    payload: { confirm },
  });
}

describe('keys outlive their creator (issue 14)', () => {
  it("shows the key's owner: its creator, by id and name", async () => {
    const { founder, carol, ws, apiKey } = await world();
    expect(apiKey.owner).toEqual({ type: 'user', userId: carol.id, name: carol.name });
    expect((await keyView(founder, ws.id, apiKey.id)).status).toBe('active');
  });

  it('a key stops working when its creator is removed from the workspace (ordinary routes and /v1/check)', async () => {
    const { founder, carol, ws, apiKey, secret } = await world();
    await expectWorks(ws.id, secret);
    const removed = await removeMember(founder, ws.id, carol);
    expect(removed.statusCode).toBe(200);
    await expectRefused(ws.id, secret);
    const view = await keyView(founder, ws.id, apiKey.id);
    expect(view.status).toBe('suspended');
    expect(view.owner).toEqual({ type: 'user', userId: carol.id, name: carol.name });
  });

  it('a key stops working when its creator leaves the workspace', async () => {
    const { carol, ws, secret } = await world();
    const left = await as(ctx.app, carol)({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` });
    expect(left.statusCode).toBe(200);
    await expectRefused(ws.id, secret);
  });

  it('a key stops working when its creator is demoted to member, and the decision agrees', async () => {
    const { founder, carol, ws, apiKey, secret } = await world();
    await expectWorks(ws.id, secret);
    const demoted = await as(
      ctx.app,
      founder,
    )({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${carol.id}`,
      payload: { role: 'member', confirmReset: true },
    });
    expect(demoted.statusCode).toBe(200);
    await expectRefused(ws.id, secret);
    // The founder asking about the key: it is no longer a principal of the workspace.
    const about = await as(
      ctx.app,
      founder,
    )({
      method: 'POST',
      url: '/v1/check',
      payload: {
        workspaceId: ws.id,
        subject: { apiKeyId: apiKey.id },
        permission: 'build.knowledge',
        level: 'read',
      },
    });
    expect(json(about)).toMatchObject({ allowed: false, level: 'none' });
  });

  it("a key stops working when its creator's account is deleted", async () => {
    // No API route deletes an account yet; the row's deletion (membership
    // cascades, created_by set to null) must leave the key dead all the same.
    const { ws, carol, secret } = await world();
    await ctx.app.db.deleteFrom('users').where('id', '=', carol.id).execute();
    const members = await as(ctx.app, { apiKey: secret })({
      method: 'GET',
      url: `/v1/workspaces/${ws.id}/members`,
    });
    expect(members.statusCode).toBe(401);
    expect(json(members).code).toBe('unauthenticated');
  });

  it('a transferred (service) key keeps working after its creator is removed', async () => {
    const { founder, carol, ws, apiKey, secret } = await world();
    const res = await transfer(founder, ws.id, apiKey);
    expect(res.statusCode).toBe(200);
    const body = json<{ apiKey: KeyView; revision: number }>(res);
    expect(body.apiKey.owner).toEqual({ type: 'workspace' });
    expect(body.apiKey.status).toBe('active');
    expect((await removeMember(founder, ws.id, carol)).statusCode).toBe(200);
    await expectWorks(ws.id, secret);
    expect((await keyView(founder, ws.id, apiKey.id)).owner).toEqual({ type: 'workspace' });
  });

  it('a transfer is audited, bumps the revision, and is idempotent', async () => {
    const { founder, carol, ws, apiKey } = await world();
    const before = await ctx.app.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', ws.id)
      .executeTakeFirstOrThrow();
    const first = json<{ revision: number }>(await transfer(founder, ws.id, apiKey));
    expect(first.revision).toBe(Number(before.revision) + 1);
    const again = await transfer(founder, ws.id, apiKey);
    expect(again.statusCode).toBe(200);
    expect(json<{ revision: number }>(again).revision).toBe(first.revision);
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['actor_id', 'target_id', 'before', 'after'])
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'api_key.transferred')
      .execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      actor_id: founder.id,
      target_id: apiKey.id,
      before: { owner: { type: 'user', userId: carol.id, name: carol.name } },
      after: { owner: { type: 'workspace' } },
    });
  });

  it('transferring a suspended key revives it, deliberately', async () => {
    const { founder, carol, ws, apiKey, secret } = await world();
    await removeMember(founder, ws.id, carol);
    await expectRefused(ws.id, secret);
    expect((await transfer(founder, ws.id, apiKey)).statusCode).toBe(200);
    await expectWorks(ws.id, secret);
  });

  it("a transfer needs the key's name typed, and a revoked key cannot be transferred", async () => {
    const { founder, ws, apiKey } = await world();
    const wrong = await transfer(founder, ws.id, apiKey, 'not the name');
    expect(wrong.statusCode).toBe(422);
    expect(json(wrong).code).toBe('confirmation_mismatch');
    await as(ctx.app, founder)({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/api-keys/${apiKey.id}` });
    const revoked = await transfer(founder, ws.id, apiKey);
    expect(revoked.statusCode).toBe(409);
    expect(json(revoked).code).toBe('conflict');
  });

  it('a member cannot transfer a key, and the refusal is audited', async () => {
    const { founder, ws, apiKey, secret } = await world();
    const member = await addMember(ctx.app, founder, ws.id);
    const res = await transfer(member, ws.id, apiKey);
    expect(res.statusCode).toBe(403);
    expect((await keyView(founder, ws.id, apiKey.id)).owner.type).toBe('user');
    const denied = await ctx.app.db
      .selectFrom('activity_log')
      .select('actor_id')
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'access.denied')
      .execute();
    expect(denied.map((d) => d.actor_id)).toContain(member.id);
    // Nor can the key itself (keys are never admins).
    const byKey = await as(ctx.app, { apiKey: secret })({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys/${apiKey.id}/transfer`,
      payload: { confirm: apiKey.name },
    });
    expect(byKey.statusCode).toBe(403);
  });

  it('the SQL condition names the role that holds workspace.manage (the API-keys routes’ capability)', () => {
    // KEY_OWNER_VOUCHES (auth/api-keys.ts) requires role = 'admin': if the
    // engine ever gives workspace.manage to another role, this fails first.
    const state = (role: 'admin' | 'member'): WorkspaceState => ({
      workspaceId: 'w',
      revision: 1,
      members: new Map([
        ['u', { userId: 'u', role, agentAccess: 'assigned', grant: { matrix: null, presetId: null } }],
      ]),
      agents: new Map(),
      apiKeys: new Map(),
      presets: new Map(),
      caps: [],
    });
    expect(hasCapability(state('admin'), { userId: 'u' }, 'workspace.manage')).toBe(true);
    expect(hasCapability(state('member'), { userId: 'u' }, 'workspace.manage')).toBe(false);
  });
});
