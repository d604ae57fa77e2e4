import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { as, createUser, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { recordActivity } from '../../audit/record';
import { sealChain } from '../../audit/seal';
import { bumpRevision } from '../../command/revision';

// No console build: the static plugin's routes are not what these tests are about.
const ctx = useTestApp({ consoleDir: '/nonexistent-console' });

interface Page {
  items: {
    id: string;
    seq: number;
    action: string;
    workspaceId: string | null;
    actor: { id: string | null; name: string | null };
  }[];
  nextCursor: string | null;
}

/**
 * A workspace with an admin and a plain member, written straight to the
 * tables so these tests do not depend on the workspaces module; the revision
 * bump keeps every access-state cache honest.
 */
async function workspaceWith(admin: TestUser, member?: TestUser): Promise<string> {
  return ctx.app.db.transaction().execute(async (tx) => {
    const ws = await tx
      .insertInto('workspaces')
      .values({ name: 'Acme', created_by: admin.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = (user: TestUser, role: 'admin' | 'member') => ({
      workspace_id: ws.id,
      user_id: user.id,
      role,
      agent_access: 'assigned' as const,
      matrix: null,
      preset_id: null,
    });
    await tx
      .insertInto('workspace_members')
      .values([row(admin, 'admin'), ...(member ? [row(member, 'member')] : [])])
      .execute();
    await bumpRevision(tx, ws.id);
    return ws.id;
  });
}

async function entries(workspaceId: string, action?: string) {
  let q = ctx.app.db.selectFrom('activity_log').selectAll().where('workspace_id', '=', workspaceId);
  if (action) q = q.where('action', '=', action);
  return q.orderBy('seq').execute();
}

async function log(
  workspaceId: string,
  action: string,
  actor: TestUser,
  extra: Record<string, unknown> = {},
) {
  await ctx.app.db.transaction().execute((tx) =>
    recordActivity(tx, {
      workspaceId,
      actor: { type: 'user', id: actor.id, name: actor.name },
      action,
      ...extra,
    }),
  );
}

let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let ws: string;
let other: string;

beforeAll(async () => {
  [admin, member, outsider] = await Promise.all([
    createUser(ctx.app, { name: 'Ada Admin' }),
    createUser(ctx.app, { name: 'Max Member' }),
    createUser(ctx.app, { name: 'Olga Outsider' }),
  ]);
  ws = await workspaceWith(admin, member);
  other = await workspaceWith(outsider);
  for (let i = 0; i < 12; i++) await log(ws, i % 3 ? 'member.role_changed' : 'agent.approved', admin);
  await log(other, 'member.removed', outsider);
});

describe('access to the activity log', () => {
  const urls = () => [
    `/v1/workspaces/${ws}/activity`,
    `/v1/workspaces/${ws}/activity/export?format=jsonl`,
    `/v1/workspaces/${ws}/activity/verify`,
    `/v1/workspaces/${ws}/activity/retention`,
  ];

  it('lets a workspace admin read, export and verify', async () => {
    for (const url of urls()) {
      const res = await as(ctx.app, admin)({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
    }
  });

  it('answers 401 without a session', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/workspaces/${ws}/activity` });
    expect(res.statusCode).toBe(401);
    expect(json(res).code).toBe('unauthenticated');
  });

  it('answers 403 to a member of the workspace, and records the refusal', async () => {
    const before = (await entries(ws, 'access.denied')).length;
    for (const url of urls()) {
      const res = await as(ctx.app, member)({ method: 'GET', url });
      expect(res.statusCode, url).toBe(403);
      expect(json(res)).toMatchObject({ code: 'forbidden', required: { capability: 'activity.read' } });
    }
    for (const [method, url, payload] of [
      ['PUT', `/v1/workspaces/${ws}/activity/retention`, { retentionDays: 1 }],
      ['POST', `/v1/workspaces/${ws}/activity/purge`, undefined],
    ] as const) {
      const res = await as(ctx.app, member)({ method, url, payload });
      expect(res.statusCode, url).toBe(403);
    }
    const denied = await entries(ws, 'access.denied');
    expect(denied.length - before).toBe(6);
    expect(denied.at(-1)).toMatchObject({ actor_id: member.id, actor_name: 'Max Member' });
    expect(
      await ctx.app.db.selectFrom('activity_settings').selectAll().where('workspace_id', '=', ws).execute(),
    ).toEqual([]);
  });

  it("answers 404 for another workspace's log, even to its neighbours' admins", async () => {
    for (const url of urls()) {
      const res = await as(ctx.app, outsider)({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(json(res).code).toBe('not_found');
    }
    const res = await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${other}/activity` });
    expect(res.statusCode).toBe(404);
    const put = await as(
      ctx.app,
      admin,
    )({
      method: 'PUT',
      url: `/v1/workspaces/${other}/activity/retention`,
      payload: { retentionDays: 1 },
    });
    expect(put.statusCode).toBe(404);
  });
});

describe('GET /v1/workspaces/:workspaceId/activity', () => {
  it('lists newest first with who, what, on what and from where', async () => {
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'GET',
      url: `/v1/workspaces/${ws}/activity?action=agent.approved&limit=2`,
      headers: { 'user-agent': 'vitest-agent' },
    });
    expect(res.statusCode).toBe(200);
    const page = json<Page>(res);
    expect(page.items.map((i) => i.action)).toEqual(['agent.approved', 'agent.approved']);
    expect(page.items[0]?.seq).toBeGreaterThan(page.items[1]?.seq ?? Infinity);
    expect(page.items[0]).toMatchObject({ actor: { id: admin.id, name: 'Ada Admin' }, workspaceId: ws });
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('walks every page with nextCursor, without repeats, while entries keep arriving', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const q: string = `action=member.*&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws}/activity?${q}` });
      const page = json<Page>(res);
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.nextCursor;
      if (round++ === 0) await log(ws, 'member.invited', admin); // arrives after the first page
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('answers 400 validation_failed naming the field for bad filters', async () => {
    const cases: [string, string][] = [
      ['limit=500', '/querystring/limit'],
      ['limit=0', '/querystring/limit'],
      ['action=Member%20*', '/querystring/action'],
      ['actorType=robot', '/querystring/actorType'],
      ['agentId=nope', '/querystring/agentId'],
      ['from=yesterday', '/querystring/from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/querystring/to'],
      ['cursor=abc', '/querystring/cursor'],
      ['actorId=x', '/querystring/actorId'],
    ];
    for (const [query, path] of cases) {
      const res = await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws}/activity?${query}` });
      expect(res.statusCode, query).toBe(400);
      const body = json<{ code: string; errors: { path: string }[] }>(res);
      expect(body.code, query).toBe('validation_failed');
      expect(
        body.errors.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });
});

describe('GET /v1/workspaces/:workspaceId/activity/export', () => {
  it('streams the filtered set as a CSV attachment and records the export', async () => {
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'GET',
      url: `/v1/workspaces/${ws}/activity/export?format=csv&action=agent.approved`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="atrium-activity-[0-9a-f]{8}-.+\.csv"$/,
    );
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toMatch(/^id,seq,created_at,actor_type/);
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(1).every((l) => l.includes(',agent.approved,'))).toBe(true);
    const exported = await entries(ws, 'activity.exported');
    expect(exported.at(-1)).toMatchObject({
      actor_id: admin.id,
      after: { format: 'csv', filters: { action: 'agent.approved' } },
    });
  });

  it('streams JSON lines that match the search results exactly', async () => {
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'GET',
      url: `/v1/workspaces/${ws}/activity/export?format=jsonl&actor=${admin.id}&action=member.*`,
    });
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const exported = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    const listed = json<Page>(
      await as(
        ctx.app,
        admin,
      )({
        method: 'GET',
        url: `/v1/workspaces/${ws}/activity?actor=${admin.id}&action=member.*&limit=200`,
      }),
    );
    expect(exported.map((e) => e.id)).toEqual(listed.items.map((i) => i.id));
    expect(exported.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format', async () => {
    const res = await as(
      ctx.app,
      admin,
    )({ method: 'GET', url: `/v1/workspaces/${ws}/activity/export?format=xml` });
    expect(res.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(res).errors[0]?.path).toBe('/querystring/format');
  });
});

describe('GET /v1/workspaces/:workspaceId/activity/verify', () => {
  it('reports an intact chain, then names the first entry a superuser edited', async () => {
    const [a, b] = await Promise.all([createUser(ctx.app), createUser(ctx.app)]);
    const fresh = await workspaceWith(a, b);
    for (let i = 0; i < 4; i++) await log(fresh, 'member.role_changed', a);
    const ok = await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/verify` });
    expect(json(ok)).toMatchObject({ intact: true, firstBad: null, workspaceId: fresh });
    const checked = json<{ checked: number }>(ok).checked;
    expect(checked).toBeGreaterThanOrEqual(4);

    await ctx.app.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`UPDATE activity_log SET actor_name = 'Someone else' WHERE workspace_id = ${fresh} AND seq = 2`.execute(
        tx,
      );
    });
    const bad = await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/verify` });
    expect(bad.statusCode).toBe(200);
    expect(json(bad)).toMatchObject({ intact: false, firstBad: { seq: 2, reason: 'hash_mismatch' } });
  });

  it("checks the chain's signed seals with the configured key: a deletion of the newest entries is truncated", async () => {
    const [a] = await Promise.all([createUser(ctx.app)]);
    const fresh = await workspaceWith(a);
    for (let i = 0; i < 3; i++) await log(fresh, 'member.role_changed', a);
    const sealed = await sealChain(ctx.app.db, ctx.config.auditSigningKey, fresh);
    const ok = await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/verify` });
    expect(json(ok)).toMatchObject({ intact: true, seals: { count: 1, verified: 1, lastSeq: sealed?.seq } });

    await ctx.app.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      await sql`DELETE FROM activity_log WHERE workspace_id = ${fresh} AND seq = ${sealed?.seq ?? 0}`.execute(
        tx,
      );
    });
    const bad = await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/verify` });
    expect(json(bad)).toMatchObject({ intact: false, firstBad: { seq: sealed?.seq, reason: 'truncated' } });
  });
});

describe('retention and purge over HTTP', () => {
  it('sets, reads and clears the period, each change one entry with before and after', async () => {
    const [a] = await Promise.all([createUser(ctx.app)]);
    const fresh = await workspaceWith(a);
    const put = (retentionDays: unknown) =>
      as(
        ctx.app,
        a,
      )({ method: 'PUT', url: `/v1/workspaces/${fresh}/activity/retention`, payload: { retentionDays } });
    expect(json(await put(90))).toEqual({ retentionDays: 90 });
    expect(
      json(await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/retention` })),
    ).toEqual({ retentionDays: 90 });
    expect(json(await put(null))).toEqual({ retentionDays: null });
    const changes = await entries(fresh, 'activity.retention_updated');
    expect(changes.map((c) => [c.before, c.after])).toEqual([
      [{ retentionDays: null }, { retentionDays: 90 }],
      [{ retentionDays: 90 }, { retentionDays: null }],
    ]);
    for (const bad of [0, -1, 1.5, 'thirty', 36501, false]) {
      const res = await put(bad);
      expect(res.statusCode, String(bad)).toBe(400);
      expect(json<{ errors: { path: string }[] }>(res).errors.map((e) => e.path)).toContain(
        '/body/retentionDays',
      );
    }
    const missing = await as(
      ctx.app,
      a,
    )({
      method: 'PUT',
      url: `/v1/workspaces/${fresh}/activity/retention`,
      payload: {},
    });
    expect(missing.statusCode).toBe(400);
    expect((await entries(fresh, 'activity.retention_updated')).length).toBe(2);
  });

  it('purges on demand: one activity.purged entry, and the chain still verifies', async () => {
    const [a] = await Promise.all([createUser(ctx.app)]);
    const fresh = await workspaceWith(a);
    // Entries from 10 days ago, written with their real timestamps.
    await ctx.app.db.transaction().execute(async (tx) => {
      for (let seq = 1; seq <= 3; seq++) {
        await recordActivity(tx, {
          workspaceId: fresh,
          actor: { type: 'user', id: a.id, name: a.name },
          action: 'member.role_changed',
        });
      }
    });
    await ctx.app.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(tx);
      // Age them (a superuser edit) and re-seal the chain as if they had been written then.
      const rows = await tx
        .selectFrom('activity_log')
        .selectAll()
        .where('workspace_id', '=', fresh)
        .orderBy('seq')
        .execute();
      const { entryHash, GENESIS_HASH } = await import('../../audit/record');
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const created = new Date(Date.now() - 10 * 86_400_000 + Number(r.seq));
        const { id: _i, prev_hash: _p, hash: _h, ...content } = r;
        const hash = entryHash(prev, { ...content, seq: Number(r.seq), created_at: created });
        await tx
          .updateTable('activity_log')
          .set({ created_at: created, prev_hash: prev, hash })
          .where('id', '=', r.id)
          .execute();
        prev = hash;
      }
    });
    await as(
      ctx.app,
      a,
    )({
      method: 'PUT',
      url: `/v1/workspaces/${fresh}/activity/retention`,
      payload: { retentionDays: 7 },
    });
    const res = await as(ctx.app, a)({ method: 'POST', url: `/v1/workspaces/${fresh}/activity/purge` });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ purged: 3, retentionDays: 7, checkpoint: { seq: 3 } });
    const purged = await entries(fresh, 'activity.purged');
    expect(purged).toHaveLength(1);
    expect(purged[0]).toMatchObject({ actor_id: a.id, after: { purged: 3, throughSeq: 3 } });
    const verify = await as(ctx.app, a)({ method: 'GET', url: `/v1/workspaces/${fresh}/activity/verify` });
    expect(json(verify)).toMatchObject({ intact: true, firstSeq: 4, checkpoint: { seq: 3, purgedCount: 3 } });

    const again = await as(ctx.app, a)({ method: 'POST', url: `/v1/workspaces/${fresh}/activity/purge` });
    expect(json(again)).toMatchObject({ purged: 0, checkpoint: null });
    expect(await entries(fresh, 'activity.purged')).toHaveLength(2);
  });
});

describe('GET /v1/me/activity', () => {
  it("shows a user their own account events and nobody else's", async () => {
    const [me, them] = await Promise.all([createUser(ctx.app), createUser(ctx.app)]);
    await ctx.app.db.transaction().execute(async (tx) => {
      await recordActivity(tx, {
        workspaceId: null,
        actor: { type: 'user', id: me.id, name: me.name },
        action: 'account.profile_updated',
        target: { type: 'user', id: me.id },
      });
      await recordActivity(tx, {
        workspaceId: null,
        actor: { type: 'system', id: null, name: 'Atrium' },
        action: 'auth.sign_in_failed',
        target: { type: 'user', id: me.id },
      });
      await recordActivity(tx, {
        workspaceId: null,
        actor: { type: 'user', id: them.id, name: them.name },
        action: 'account.profile_updated',
        target: { type: 'user', id: them.id },
      });
    });
    const res = await as(ctx.app, me)({ method: 'GET', url: '/v1/me/activity?limit=200' });
    expect(res.statusCode).toBe(200);
    const page = json<Page>(res);
    const actions = page.items.map((i) => i.action);
    expect(actions).toContain('account.profile_updated');
    expect(actions).toContain('auth.sign_in_failed');
    // The identity module's own entries for this user (sign-up and sign-in through the API) are there too.
    expect(actions).toEqual(expect.arrayContaining(['auth.signed_up', 'auth.signed_in']));
    expect(page.items.every((i) => i.workspaceId === null)).toBe(true);
    expect(page.items.some((i) => i.actor.id === them.id)).toBe(false);
    const filtered = json<Page>(
      await as(ctx.app, me)({ method: 'GET', url: '/v1/me/activity?action=auth.sign_in_failed' }),
    );
    expect(filtered.items.map((i) => i.action)).toEqual(['auth.sign_in_failed']);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/me/activity' })).statusCode).toBe(401);
  });
});
