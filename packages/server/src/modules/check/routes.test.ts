import { PERMISSIONS } from '@atrium/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addCap,
  insertUser,
  removeMember,
  revokeApiKey,
  type SeededWorkspace,
  seedWorkspace,
  setAgentMember,
  setMember,
} from '../../../test/check-fixtures';
import { as, createUser, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import type { Principal } from '../../auth/principal';
import type { CheckRequest } from './schema';
import { checkOne } from './service';

const ctx = useTestApp();

interface World {
  admin: TestUser;
  member: TestUser;
  /** A member of another workspace only. */
  stranger: TestUser;
  ws: SeededWorkspace;
  other: SeededWorkspace;
  /** A member with no session (subject only). */
  bob: string;
}

let w: World;

beforeAll(async () => {
  const db = ctx.app.db;
  const [admin, member, stranger] = await Promise.all([
    createUser(ctx.app),
    createUser(ctx.app),
    createUser(ctx.app),
  ]);
  const ws = await seedWorkspace(db, { adminId: admin.id, agents: 2 });
  const other = await seedWorkspace(db, { adminId: stranger.id, agents: 1 });
  const bob = await insertUser(db, 'Bob Builder');
  await setMember(db, ws.workspaceId, member.id, { presetId: 'read_only_reviewer' });
  await setAgentMember(db, ws.workspaceId, ws.agentIds[0]!, member.id, {
    matrix: { 'build.knowledge': 'edit', 'channels.chat': 'edit' },
  });
  await setMember(db, ws.workspaceId, bob, { matrix: { 'build.flows': 'read' } });
  w = { admin, member, stranger, ws, other, bob };
});

function check(who: TestUser | { apiKey: string }, payload: Record<string, unknown>) {
  return as(ctx.app, who)({ method: 'POST', url: '/v1/check', payload });
}

describe('GET /v1/catalog', () => {
  it('lists areas, items with labels, levels, sensitive items and the ten built-in presets, without signing in', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/catalog' });
    expect(res.statusCode).toBe(200);
    const body = json<{
      levels: string[];
      areas: { id: string; items: { permission: string; label: string; sensitive: boolean }[] }[];
      sensitive: string[];
      presets: { id: string; matrix: Record<string, string>; areas: Record<string, string> }[];
    }>(res);
    expect(body.levels).toEqual(['none', 'read', 'edit']);
    expect(body.areas.map((a) => a.id)).toEqual([
      'analytics',
      'build',
      'channels',
      'configure',
      'deployments',
    ]);
    expect(body.areas.flatMap((a) => a.items.map((i) => i.permission))).toEqual([...PERMISSIONS]);
    expect(body.areas[0]!.items.filter((i) => i.sensitive).map((i) => i.permission)).toEqual(body.sensitive);
    expect(body.presets).toHaveLength(10);
    const builder = body.presets.find((p) => p.id === 'builder')!;
    expect(builder.areas.deployments).toBe('read');
    expect(builder.matrix['build.knowledge']).toBe('edit');
    for (const p of body.presets) expect(p.matrix['analytics.conversation_pii']).toBeUndefined();
  });
});

describe('POST /v1/check with an API key', () => {
  it('answers the level of a member on an agent from the compiled index, with the revision', async () => {
    const res = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        agentId: w.ws.agentIds[0],
        subject: { userId: w.member.id },
        permission: 'build.knowledge',
        level: 'edit',
      },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = json<{ allowed: boolean; level: string; revision: number }>(res);
    expect(body).toMatchObject({ allowed: true, level: 'edit' });
    expect(body.revision).toBeGreaterThanOrEqual(w.ws.revision);
  });

  it('workspace-wide, the agent grant does not count; another agent without a role gives none', async () => {
    const wide = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        subject: { userId: w.member.id },
        permission: 'build.knowledge',
        level: 'edit',
      },
    );
    expect(json(wide)).toMatchObject({ allowed: false, level: 'read' });
    const otherAgent = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        agentId: w.ws.agentIds[1],
        subject: { userId: w.member.id },
        permission: 'build.knowledge',
        level: 'read',
      },
    );
    expect(json(otherAgent)).toMatchObject({ allowed: false, level: 'none' });
  });

  it('asks about an API key subject, and about unknown subjects (none)', async () => {
    const key = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        subject: { apiKeyId: w.ws.apiKey.id },
        permission: 'build.flows',
        level: 'read',
      },
    );
    expect(json(key)).toMatchObject({ allowed: false, level: 'none' });
    const stranger = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        subject: { userId: w.stranger.id },
        permission: 'build.flows',
        level: 'read',
      },
    );
    expect(json(stranger)).toMatchObject({ allowed: false, level: 'none' });
  });

  it('an unknown permission is a 400 naming the field and listing the valid names', async () => {
    const res = await check(
      { apiKey: w.ws.apiKey.secret },
      {
        workspaceId: w.ws.workspaceId,
        subject: { userId: w.member.id },
        permission: 'build.knowledg',
        level: 'edit',
      },
    );
    expect(res.statusCode).toBe(400);
    const body = json<{ code: string; errors: { path: string; valid?: string[] }[] }>(res);
    expect(body.code).toBe('validation_failed');
    const issue = body.errors.find((e) => e.path === '/body/permission');
    expect(issue?.valid).toEqual([...PERMISSIONS]);
  });

  it('a bad level, a missing subject or a malformed id are 400 naming the field', async () => {
    const res = await check(
      { apiKey: w.ws.apiKey.secret },
      { workspaceId: 'nope', permission: 'build.flows', level: 'write' },
    );
    expect(res.statusCode).toBe(400);
    const paths = json<{ errors: { path: string }[] }>(res).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/body/workspaceId', '/body/level', '/body/subject']));
  });

  it('without credentials is 401; with a revoked key is 401', async () => {
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/v1/check',
      payload: {
        workspaceId: w.ws.workspaceId,
        subject: { userId: w.member.id },
        permission: 'build.flows',
        level: 'read',
      },
    });
    expect(anonymous.statusCode).toBe(401);
    const doomed = await seedWorkspace(ctx.app.db, { adminId: w.admin.id });
    const payload = {
      workspaceId: doomed.workspaceId,
      subject: { userId: w.admin.id },
      permission: 'build.flows',
      level: 'read',
    };
    expect((await check({ apiKey: doomed.apiKey.secret }, payload)).statusCode).toBe(200);
    const revoked = await revokeApiKey(ctx.app.db, doomed.workspaceId, doomed.apiKey.id);
    // With the revocation's revision, the key is refused at once: until the announcement
    // arrives the instance's key cache still resolves it, and the check, decided on state that
    // includes the revocation, answers 401 like any dead key (issue 14: a key the state no longer
    // holds is unauthenticated, not a stranger to the workspace). Called on the service
    // with that cached principal, since over HTTP the announcement may already have dropped it.
    const cached: Principal = {
      type: 'api_key',
      apiKeyId: doomed.apiKey.id,
      workspaceId: doomed.workspaceId,
      name: 'platform backend',
    };
    let refusal: unknown;
    try {
      await checkOne(ctx.app.accessState, cached, {
        ...payload,
        atLeastRevision: revoked,
      } as CheckRequest);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      detail: 'This API key is no longer valid',
    });
    // Without a token, as soon as the announcement arrives (the key cache drops the workspace):
    // the key is read from the database, revoked, and the request is unauthenticated.
    let res = await check({ apiKey: doomed.apiKey.secret }, payload);
    for (let i = 0; i < 200 && res.statusCode === 200; i++) {
      await new Promise((r) => setTimeout(r, 5));
      res = await check({ apiKey: doomed.apiKey.secret }, payload);
    }
    expect(res.statusCode, res.body).toBe(401);
    expect(json(res).code).toBe('unauthenticated');
    // From then on, with the token too.
    const withToken = await check({ apiKey: doomed.apiKey.secret }, { ...payload, atLeastRevision: revoked });
    expect(withToken.statusCode, withToken.body).toBe(401);
    expect(json(withToken).code).toBe('unauthenticated');
  });

  it('another workspace answers 404 exactly like a workspace that does not exist', async () => {
    const payload = (workspaceId: string) => ({
      workspaceId,
      subject: { userId: w.stranger.id },
      permission: 'build.flows',
      level: 'read',
    });
    const other = await check({ apiKey: w.ws.apiKey.secret }, payload(w.other.workspaceId));
    const missing = await check(
      { apiKey: w.ws.apiKey.secret },
      payload('00000000-0000-4000-8000-000000000000'),
    );
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(json(other).code).toBe('not_found');
    expect(json(other).detail).toBe(json(missing).detail);
  });

  it('reflects a change at once, and atLeastRevision answers from state at least that new', async () => {
    const carol = await insertUser(ctx.app.db);
    const payload = {
      workspaceId: w.ws.workspaceId,
      agentId: w.ws.agentIds[1],
      subject: { userId: carol },
      permission: 'deployments.environments',
      level: 'edit',
    };
    expect(json(await check({ apiKey: w.ws.apiKey.secret }, payload))).toMatchObject({ allowed: false });
    await setMember(ctx.app.db, w.ws.workspaceId, carol, { agentAccess: 'all', presetId: 'full_developer' });
    const revision = await setMember(ctx.app.db, w.ws.workspaceId, carol, {
      agentAccess: 'all',
      presetId: 'full_developer',
    });
    const res = json<{ allowed: boolean; revision: number }>(
      await check({ apiKey: w.ws.apiKey.secret }, { ...payload, atLeastRevision: revision }),
    );
    expect(res.allowed).toBe(true);
    expect(res.revision).toBeGreaterThanOrEqual(revision);
    // A cap binds the member (docs/rules.md §3 step 5).
    const capped = await addCap(ctx.app.db, w.ws.workspaceId, {
      permission: 'deployments.environments',
      maxLevel: 'read',
    });
    expect(
      json(await check({ apiKey: w.ws.apiKey.secret }, { ...payload, atLeastRevision: capped })),
    ).toMatchObject({ allowed: false, level: 'read', revision: capped });
  });

  it('revision tokens from the future: refused with revision_unknown without loading the workspace, cache not poisoned', async () => {
    const stats = () =>
      (ctx.app.accessState as unknown as { stats(): { loads: number; probes: number } }).stats();
    const payload = {
      workspaceId: w.ws.workspaceId,
      subject: { userId: w.admin.id },
      permission: 'build.flows',
      level: 'edit',
    };
    const before = stats();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        check({ apiKey: w.ws.apiKey.secret }, { ...payload, atLeastRevision: 2 ** 40 }),
      ),
    );
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res)).toMatchObject({ code: 'revision_unknown' });
    }
    // No state load for a token the database never reached: one cheap revision
    // probe per burst slot (shared by the requests that arrive together).
    expect(stats().loads - before.loads).toBe(0);
    expect(stats().probes - before.probes).toBeGreaterThan(0);
    expect(stats().probes - before.probes).toBeLessThanOrEqual(20);
    // …and did not poison the cache: the next check without a token is answered from memory.
    const loads = stats().loads;
    const ok = await check({ apiKey: w.ws.apiKey.secret }, payload);
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toMatchObject({ allowed: true });
    expect(stats().loads).toBe(loads);
  });
});

describe('POST /v1/check with a session', () => {
  it('a workspace admin may ask about anyone of the workspace', async () => {
    const res = await check(w.admin, {
      workspaceId: w.ws.workspaceId,
      subject: { userId: w.bob },
      permission: 'build.flows',
      level: 'read',
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ allowed: true, level: 'read' });
  });

  it('a member may ask about themselves, and about nobody else (404)', async () => {
    const self = await check(w.member, {
      workspaceId: w.ws.workspaceId,
      agentId: w.ws.agentIds[0],
      subject: { userId: w.member.id },
      permission: 'channels.chat',
      level: 'edit',
    });
    expect(self.statusCode).toBe(200);
    expect(json(self)).toMatchObject({ allowed: true });
    const other = await check(w.member, {
      workspaceId: w.ws.workspaceId,
      subject: { userId: w.bob },
      permission: 'build.flows',
      level: 'read',
    });
    expect(other.statusCode).toBe(404);
  });

  it('a non-member (even an admin elsewhere) gets 404', async () => {
    const res = await check(w.stranger, {
      workspaceId: w.ws.workspaceId,
      subject: { userId: w.stranger.id },
      permission: 'build.flows',
      level: 'read',
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /v1/check/batch', () => {
  it('answers each check in order; a workspace the caller may not see answers none with revision 0', async () => {
    const base = { subject: { userId: w.member.id }, level: 'read' };
    const res = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'POST',
      url: '/v1/check/batch',
      payload: {
        checks: [
          {
            ...base,
            workspaceId: w.ws.workspaceId,
            agentId: w.ws.agentIds[0],
            permission: 'build.knowledge',
          },
          { ...base, workspaceId: w.other.workspaceId, permission: 'build.knowledge' },
          { ...base, workspaceId: w.ws.workspaceId, permission: 'configure.security' },
          { ...base, workspaceId: w.ws.workspaceId, agentId: w.ws.agentIds[1], permission: 'build.agent' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const { results } = json<{ results: { allowed: boolean; level: string; revision: number }[] }>(res);
    expect(results.map((r) => [r.allowed, r.level])).toEqual([
      [true, 'edit'],
      [false, 'none'],
      [true, 'read'],
      [false, 'none'],
    ]);
    expect(results[1]!.revision).toBe(0);
    expect(results[0]!.revision).toBeGreaterThan(0);
  });

  it('a member asking about others in a batch gets none for those items only', async () => {
    const res = await as(
      ctx.app,
      w.member,
    )({
      method: 'POST',
      url: '/v1/check/batch',
      payload: {
        checks: [
          {
            workspaceId: w.ws.workspaceId,
            subject: { userId: w.member.id },
            permission: 'build.agent',
            level: 'read',
          },
          {
            workspaceId: w.ws.workspaceId,
            subject: { userId: w.bob },
            permission: 'build.flows',
            level: 'read',
          },
        ],
      },
    });
    const { results } = json<{ results: { allowed: boolean }[] }>(res);
    expect(results.map((r) => r.allowed)).toEqual([true, false]);
  });

  it('takes workspace, agent, subject and token from the top level when a check omits them', async () => {
    const res = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'POST',
      url: '/v1/check/batch',
      payload: {
        workspaceId: w.ws.workspaceId,
        agentId: w.ws.agentIds[0],
        subject: { userId: w.member.id },
        atLeastRevision: 1,
        checks: [
          { permission: 'build.knowledge', level: 'edit' },
          { permission: 'build.knowledge', level: 'edit', agentId: null },
          { permission: 'build.flows', level: 'read', subject: { userId: w.bob } },
          { permission: 'build.flows', level: 'read', workspaceId: w.other.workspaceId },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const { results } = json<{ results: { allowed: boolean; level: string }[] }>(res);
    expect(results.map((r) => [r.allowed, r.level])).toEqual([
      [true, 'edit'],
      [false, 'read'],
      [false, 'none'], // Bob has no role on the agent
      [false, 'none'], // another workspace: hidden
    ]);
  });

  it('a check with no workspace or subject, here or at the top level, is a 400 naming it', async () => {
    const res = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'POST',
      url: '/v1/check/batch',
      payload: { subject: { userId: w.member.id }, checks: [{ permission: 'build.flows', level: 'read' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(res).errors.map((e) => e.path)).toEqual([
      '/body/checks/0/workspaceId',
    ]);
  });

  it('more than 1,000 checks, or a bad item, is a 400 naming the field', async () => {
    const one = {
      workspaceId: w.ws.workspaceId,
      subject: { userId: w.member.id },
      permission: 'build.agent',
      level: 'read',
    };
    const tooMany = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'POST',
      url: '/v1/check/batch',
      payload: { checks: Array.from({ length: 1001 }, () => one) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(tooMany).errors[0]!.path).toBe('/body/checks');
    const bad = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'POST',
      url: '/v1/check/batch',
      payload: { checks: [one, { ...one, permission: 'build.everything' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(bad).errors.map((e) => e.path)).toContain(
      '/body/checks/1/permission',
    );
  });
});

describe('GET /v1/workspaces/:workspaceId/members/:userId/effective', () => {
  const url = (userId: string, agentId?: string) =>
    `/v1/workspaces/${w.ws.workspaceId}/members/${userId}/effective${agentId ? `?agentId=${agentId}` : ''}`;

  it('gives every item with its explanation, grouped by area with the area summary', async () => {
    const res = await as(ctx.app, w.admin)({ method: 'GET', url: url(w.member.id, w.ws.agentIds[0]) });
    expect(res.statusCode).toBe(200);
    const body = json<{
      agentId: string;
      revision: number;
      areas: {
        area: string;
        level: string;
        items: {
          permission: string;
          level: string;
          explanation: { grants: { source: string; level: string }[]; uncapped: string };
        }[];
      }[];
    }>(res);
    expect(body.agentId).toBe(w.ws.agentIds[0]);
    expect(body.areas.map((a) => a.area)).toEqual([
      'analytics',
      'build',
      'channels',
      'configure',
      'deployments',
    ]);
    const build = body.areas.find((a) => a.area === 'build')!;
    expect(build.level).toBe('mixed');
    const knowledge = build.items.find((i) => i.permission === 'build.knowledge')!;
    expect(knowledge.level).toBe('edit');
    expect(knowledge.explanation.grants).toEqual([
      { source: 'workspace_preset', presetId: 'read_only_reviewer', level: 'read' },
      { source: 'agent_matrix', agentId: w.ws.agentIds[0], level: 'edit' },
    ]);
    expect(body.areas.find((a) => a.area === 'deployments')!.level).toBe('read');
  });

  it('a member may read their own; not another member’s (403); another workspace’s admin gets 404', async () => {
    expect((await as(ctx.app, w.member)({ method: 'GET', url: url(w.member.id) })).statusCode).toBe(200);
    const other = await as(ctx.app, w.member)({ method: 'GET', url: url(w.bob) });
    expect(other.statusCode).toBe(403);
    expect(json(other).code).toBe('forbidden');
    const stranger = await as(ctx.app, w.stranger)({ method: 'GET', url: url(w.member.id) });
    expect(stranger.statusCode).toBe(404);
  });

  it('an API key of the workspace may read anyone’s; an unknown member or agent is 404', async () => {
    const key = { apiKey: w.ws.apiKey.secret };
    expect((await as(ctx.app, key)({ method: 'GET', url: url(w.bob) })).statusCode).toBe(200);
    expect((await as(ctx.app, key)({ method: 'GET', url: url(w.stranger.id) })).statusCode).toBe(404);
    const foreignAgent = await as(ctx.app, key)({ method: 'GET', url: url(w.bob, w.other.agentIds[0]) });
    expect(foreignAgent.statusCode).toBe(404);
    const otherKey = await as(ctx.app, { apiKey: w.other.apiKey.secret })({ method: 'GET', url: url(w.bob) });
    expect(otherKey.statusCode).toBe(404);
  });

  it('a removed member’s next request fails at once (the guard reads the current revision)', async () => {
    const leaver = await createUser(ctx.app);
    await setMember(ctx.app.db, w.ws.workspaceId, leaver.id);
    expect((await as(ctx.app, leaver)({ method: 'GET', url: url(leaver.id) })).statusCode).toBe(200);
    await removeMember(ctx.app.db, w.ws.workspaceId, leaver.id);
    expect((await as(ctx.app, leaver)({ method: 'GET', url: url(leaver.id) })).statusCode).toBe(404);
  });
});

describe('GET /v1/workspaces/:workspaceId/access', () => {
  const url = (query: string) => `/v1/workspaces/${w.ws.workspaceId}/access?${query}`;

  it('lists who has at least the level, with explanations, and pages through them', async () => {
    const q = `permission=build.knowledge&level=edit&agentId=${w.ws.agentIds[0]}`;
    const res = await as(ctx.app, w.admin)({ method: 'GET', url: url(q) });
    expect(res.statusCode).toBe(200);
    const body = json<{
      items: { principal: { type: string; userId?: string; email?: string }; level: string }[];
      nextCursor: string | null;
    }>(res);
    const ids = body.items.map((i) => i.principal.userId);
    expect(ids).toEqual(expect.arrayContaining([w.admin.id, w.member.id]));
    expect(ids).not.toContain(w.bob);
    expect(body.items.every((i) => i.level === 'edit')).toBe(true);
    expect(body.items.find((i) => i.principal.userId === w.member.id)!.principal.email).toBe(w.member.email);
    expect(body.nextCursor).toBeNull();

    // One at a time: every page holds one, the walk ends, and it sees the same principals.
    const walked: unknown[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { items: { principal: { userId?: string } }[]; nextCursor: string | null } = json(
        await as(
          ctx.app,
          w.admin,
        )({ method: 'GET', url: url(`${q}&limit=1${cursor ? `&cursor=${cursor}` : ''}`) }),
      );
      expect(res.items).toHaveLength(1);
      walked.push(res.items[0]!.principal.userId);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(walked).toEqual(ids);
  });

  it('read level includes members with read; an API key may ask; a member may not (403)', async () => {
    const res = await as(ctx.app, { apiKey: w.ws.apiKey.secret })({
      method: 'GET',
      url: url('permission=build.flows'),
    });
    expect(res.statusCode).toBe(200);
    const ids = json<{ items: { principal: { userId?: string } }[] }>(res).items.map(
      (i) => i.principal.userId,
    );
    expect(ids).toEqual(expect.arrayContaining([w.admin.id, w.member.id, w.bob]));
    expect(
      (await as(ctx.app, w.member)({ method: 'GET', url: url('permission=build.flows') })).statusCode,
    ).toBe(403);
  });

  it('an unknown permission is a 400 naming it; another workspace is 404', async () => {
    const bad = await as(ctx.app, w.admin)({ method: 'GET', url: url('permission=build.nope') });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(bad).errors[0]!.path).toBe('/querystring/permission');
    const other = await as(ctx.app, w.stranger)({ method: 'GET', url: url('permission=build.flows') });
    expect(other.statusCode).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('lists every check route with request and response schemas', async () => {
    const doc = json<{ paths: Record<string, Record<string, { requestBody?: unknown; responses: object }>> }>(
      await ctx.app.inject({ method: 'GET', url: '/openapi.json' }),
    );
    expect(doc.paths['/v1/check']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/v1/check/batch']?.post?.responses).toHaveProperty('200');
    expect(doc.paths['/v1/catalog']?.get?.responses).toHaveProperty('200');
    expect(doc.paths['/v1/workspaces/{workspaceId}/access']?.get).toBeDefined();
    expect(doc.paths['/v1/workspaces/{workspaceId}/members/{userId}/effective']?.get).toBeDefined();
  });
});
