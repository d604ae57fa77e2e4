import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../../../test/harness';
import { permissionDiff } from '../../audit/diff';
import { GLOBAL_CHAIN, latestCheckpoint, REDACTED, recordActivity } from '../../audit/record';
import { type Actor, SYSTEM_ACTOR } from '../../auth/principal';
import { createPurgeJob } from './job';
import { getRetention, purgeAll, purgeWorkspace } from './retention';
import { exportStream, iterateActivity, searchActivity, toFilter } from './service';
import { verifyChain } from './verify';

// No console build: the static plugin's routes are not what these tests are about.
const ctx = useTestApp({ consoleDir: '/nonexistent-console' });
const ADA: Actor = { type: 'user', id: '11111111-1111-4111-8111-111111111111', name: 'Ada Admin' };
const BOT: Actor = { type: 'api_key', id: '22222222-2222-4222-8222-222222222222', name: 'ci key' };

async function newWorkspace(name = 'Acme'): Promise<string> {
  const row = await ctx.app.db
    .insertInto('workspaces')
    .values({ name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function record(workspaceId: string | null, action: string, extra: Record<string, unknown> = {}) {
  await ctx.app.db
    .transaction()
    .execute((tx) =>
      recordActivity(tx, { workspaceId, actor: ADA, action, target: { type: 'user', id: 'u1' }, ...extra }),
    );
}

async function seed(workspaceId: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await record(workspaceId, `thing.step_${i}`, { after: { i } });
}

/** Runs raw SQL the way a superuser would: with the append-only trigger switched off for this transaction. */
async function asSuperuser(statements: ReturnType<typeof sql>[]): Promise<void> {
  await ctx.app.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    for (const s of statements) await s.execute(tx);
  });
}

async function seqId(workspaceId: string, seq: number): Promise<string> {
  const row = await ctx.app.db
    .selectFrom('activity_log')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
  return String(row.id);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the hash chain', () => {
  it('verifies as intact, entry by entry, and reports the head hash', async () => {
    const ws = await newWorkspace();
    await seed(ws, 7);
    const report = await verifyChain(ctx.app.db, ws);
    expect(report).toMatchObject({ intact: true, checked: 7, firstSeq: 1, lastSeq: 7, firstBad: null });
    const head = await ctx.app.db
      .selectFrom('activity_log')
      .select('hash')
      .where('workspace_id', '=', ws)
      .where('seq', '=', 7)
      .executeTakeFirstOrThrow();
    expect(report.lastHash).toBe(head.hash);
  });

  it('keeps one chain per workspace, and a global one for account events', async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    await seed(a, 3);
    await seed(b, 2);
    await record(null, 'auth.signed_in');
    const seqs = await ctx.app.db
      .selectFrom('activity_log')
      .select(['workspace_id', 'seq'])
      .where('workspace_id', 'in', [a, b])
      .orderBy('id')
      .execute();
    expect(seqs.map((r) => `${r.workspace_id === a ? 'a' : 'b'}${r.seq}`)).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'b2',
    ]);
    expect((await verifyChain(ctx.app.db, null)).intact).toBe(true);
  });

  it('serialises concurrent appends: no seq twice, none missing, still verifiable', async () => {
    const ws = await newWorkspace();
    await Promise.all(Array.from({ length: 15 }, (_, i) => record(ws, 'thing.parallel', { after: { i } })));
    const rows = await ctx.app.db
      .selectFrom('activity_log')
      .select('seq')
      .where('workspace_id', '=', ws)
      .execute();
    expect(rows.map((r) => Number(r.seq)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    expect((await verifyChain(ctx.app.db, ws)).intact).toBe(true);
  });

  it('hashes what the database stores: uppercase ids, Dates and undefined members verify', async () => {
    const ws = await newWorkspace();
    await ctx.app.db.transaction().execute((tx) =>
      recordActivity(tx, {
        workspaceId: ws.toUpperCase(),
        actor: BOT,
        action: 'thing.normalised',
        agentId: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA',
        before: { at: new Date('2026-01-02T03:04:05.678Z'), gone: undefined, list: [1, 'x', null] },
        after: { nested: { z: 1, a: [{ b: 2, a: 1 }] } },
        origin: { ip: '203.0.113.9', userAgent: 'vitest', requestId: 'req-1' },
      }),
    );
    expect(await verifyChain(ctx.app.db, ws.toUpperCase())).toMatchObject({ intact: true, checked: 1 });
    const row = await ctx.app.db
      .selectFrom('activity_log')
      .selectAll()
      .where('workspace_id', '=', ws)
      .executeTakeFirstOrThrow();
    expect(row.agent_id).toBe('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
    expect(row.before).toEqual({ at: '2026-01-02T03:04:05.678Z', list: [1, 'x', null] });
  });

  it('never stores a secret or its hash, whatever a module passes', async () => {
    const ws = await newWorkspace();
    await record(ws, 'thing.leaky', {
      before: { password_hash: '$scrypt$abc', name: 'k' },
      after: {
        secret: 'atr_live_123',
        nested: { tokenHash: 'deadbeef', clientSecret: 's' },
        prefix: 'atr_Ab',
      },
    });
    const row = await ctx.app.db
      .selectFrom('activity_log')
      .select(['before', 'after'])
      .where('workspace_id', '=', ws)
      .executeTakeFirstOrThrow();
    expect(row.before).toEqual({ password_hash: REDACTED, name: 'k' });
    expect(row.after).toEqual({
      secret: REDACTED,
      nested: { tokenHash: REDACTED, clientSecret: REDACTED },
      prefix: 'atr_Ab',
    });
    expect((await verifyChain(ctx.app.db, ws)).intact).toBe(true);
  });
});

describe('append-only in the database itself', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries, even with the purge flag but no checkpoint', async () => {
    const ws = await newWorkspace();
    await seed(ws, 2);
    const db = ctx.app.db;
    await expect(
      sql`UPDATE activity_log SET action = 'x' WHERE workspace_id = ${ws}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM activity_log WHERE workspace_id = ${ws}`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE activity_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('atrium.purge', 'on', true)`.execute(tx);
        await sql`DELETE FROM activity_log WHERE workspace_id = ${ws}`.execute(tx);
      }),
    ).rejects.toThrow(/append-only/);
    const n = await db
      .selectFrom('activity_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
  });

  it('refuses UPDATE and DELETE of purge checkpoints', async () => {
    const ws = await newWorkspace();
    await ctx.app.db
      .insertInto('activity_checkpoints')
      .values({ workspace_id: ws, seq: 1, hash: 'x', purged_count: 1 })
      .execute();
    await expect(
      sql`UPDATE activity_checkpoints SET seq = 2 WHERE workspace_id = ${ws}`.execute(ctx.app.db),
    ).rejects.toThrow(/insert-only/);
    await expect(
      sql`DELETE FROM activity_checkpoints WHERE workspace_id = ${ws}`.execute(ctx.app.db),
    ).rejects.toThrow(/insert-only/);
  });
});

describe('tamper detection', () => {
  it('an edited entry: hash_mismatch at that entry', async () => {
    const ws = await newWorkspace();
    await seed(ws, 5);
    await asSuperuser([
      sql`UPDATE activity_log SET after = '{"i": 99}' WHERE workspace_id = ${ws} AND seq = 3`,
    ]);
    const report = await verifyChain(ctx.app.db, ws);
    expect(report.intact).toBe(false);
    expect(report.firstBad).toMatchObject({ seq: 3, id: await seqId(ws, 3), reason: 'hash_mismatch' });
    expect(report.checked).toBe(2);
  });

  it('an edit whose hash was recomputed by the editor: broken_link at the next entry', async () => {
    const ws = await newWorkspace();
    await seed(ws, 5);
    const row = await ctx.app.db
      .selectFrom('activity_log')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const { entryHash } = await import('../../audit/record');
    const { id: _id, prev_hash: _prev, hash: _hash, ...content } = row;
    const forged = entryHash(row.prev_hash, { ...content, seq: 2, actor_name: 'Mallory' });
    // ALTER TABLE … DISABLE TRIGGER: the other way a superuser gets around the trigger.
    await ctx.app.db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE activity_log DISABLE TRIGGER activity_log_no_update`.execute(tx);
      await sql`UPDATE activity_log SET actor_name = 'Mallory', hash = ${forged} WHERE id = ${row.id}`.execute(
        tx,
      );
      await sql`ALTER TABLE activity_log ENABLE TRIGGER activity_log_no_update`.execute(tx);
    });
    const report = await verifyChain(ctx.app.db, ws);
    expect(report.firstBad).toMatchObject({ seq: 3, id: await seqId(ws, 3), reason: 'broken_link' });
  });

  it('a deleted entry: gap at the entry after it', async () => {
    const ws = await newWorkspace();
    await seed(ws, 5);
    await asSuperuser([sql`DELETE FROM activity_log WHERE workspace_id = ${ws} AND seq = 3`]);
    const report = await verifyChain(ctx.app.db, ws);
    expect(report.firstBad).toMatchObject({ seq: 4, id: await seqId(ws, 4), reason: 'gap' });
  });

  it('a deleted first entry (no checkpoint): gap at the new first entry', async () => {
    const ws = await newWorkspace();
    await seed(ws, 3);
    await asSuperuser([sql`DELETE FROM activity_log WHERE workspace_id = ${ws} AND seq = 1`]);
    expect((await verifyChain(ctx.app.db, ws)).firstBad).toMatchObject({ seq: 2, reason: 'gap' });
  });

  it('a forged checkpoint hiding deleted entries: checkpoint_unattested', async () => {
    const ws = await newWorkspace();
    await seed(ws, 5);
    const third = await ctx.app.db
      .selectFrom('activity_log')
      .select('hash')
      .where('workspace_id', '=', ws)
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    await asSuperuser([
      sql`INSERT INTO activity_checkpoints (workspace_id, seq, hash, purged_count) VALUES (${ws}, 3, ${third.hash}, 3)`,
      sql`DELETE FROM activity_log WHERE workspace_id = ${ws} AND seq <= 3`,
    ]);
    expect((await verifyChain(ctx.app.db, ws)).firstBad).toMatchObject({
      seq: 3,
      reason: 'checkpoint_unattested',
    });
  });
});

describe('retention and purge', () => {
  async function setDays(ws: string, days: number | null) {
    await ctx.app.db
      .insertInto('activity_settings')
      .values({ workspace_id: ws, retention_days: days })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ retention_days: days }))
      .execute();
  }

  it('purges only entries older than the period, checkpoints the cut, and the rest still verifies', async () => {
    const ws = await newWorkspace();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 40 * 86_400_000));
    await seed(ws, 4); // 40 days old
    vi.useRealTimers();
    await seed(ws, 2); // today
    await setDays(ws, 30);
    const result = await purgeWorkspace(ctx.app.db, {
      workspaceId: ws,
      actor: SYSTEM_ACTOR,
      recordWhenEmpty: false,
    });
    expect(result).toMatchObject({ purged: 4, retentionDays: 30, checkpoint: { seq: 4 } });

    const left = await ctx.app.db
      .selectFrom('activity_log')
      .select(['seq', 'action', 'after'])
      .where('workspace_id', '=', ws)
      .orderBy('seq')
      .execute();
    expect(left.map((r) => Number(r.seq))).toEqual([5, 6, 7]);
    expect(left[2]).toMatchObject({
      action: 'activity.purged',
      after: { purged: 4, throughSeq: 4, checkpointHash: result.checkpoint?.hash, retentionDays: 30 },
    });
    const report = await verifyChain(ctx.app.db, ws);
    expect(report).toMatchObject({
      intact: true,
      checked: 3,
      firstSeq: 5,
      checkpoint: { seq: 4, purgedCount: 4 },
    });

    await seed(ws, 2);
    expect(await verifyChain(ctx.app.db, ws)).toMatchObject({ intact: true, checked: 5, lastSeq: 9 });
    // Tampering after a purge is still caught.
    await asSuperuser([sql`UPDATE activity_log SET actor_name = 'x' WHERE workspace_id = ${ws} AND seq = 6`]);
    expect((await verifyChain(ctx.app.db, ws)).firstBad).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
  });

  it('can purge a whole chain; the next entry continues it from the checkpoint', async () => {
    const ws = await newWorkspace();
    await seed(ws, 3);
    await setDays(ws, 1);
    const later = new Date(Date.now() + 2 * 86_400_000);
    const first = await purgeWorkspace(ctx.app.db, {
      workspaceId: ws,
      actor: ADA,
      now: later,
      recordWhenEmpty: true,
    });
    expect(first).toMatchObject({ purged: 3, checkpoint: { seq: 3 } });
    // The purge entry itself is younger than the cut-off of a second purge even later: purge it too.
    const second = await purgeWorkspace(ctx.app.db, {
      workspaceId: ws,
      actor: ADA,
      now: new Date(later.getTime() + 2 * 86_400_000),
      recordWhenEmpty: true,
    });
    expect(second).toMatchObject({ purged: 1, checkpoint: { seq: 4 } });
    expect(await verifyChain(ctx.app.db, ws)).toMatchObject({
      intact: true,
      firstSeq: 5,
      checkpoint: { seq: 4 },
    });
    await seed(ws, 1);
    expect(await verifyChain(ctx.app.db, ws)).toMatchObject({ intact: true, checked: 2, lastSeq: 6 });
  });

  it('without a retention period keeps everything; the job skips idle workspaces silently', async () => {
    const ws = await newWorkspace();
    await seed(ws, 2);
    expect(await getRetention(ctx.app.db, ws)).toBeNull();
    const result = await purgeWorkspace(ctx.app.db, { workspaceId: ws, actor: ADA, recordWhenEmpty: true });
    expect(result).toMatchObject({ purged: 0, retentionDays: null, checkpoint: null });

    const idle = await newWorkspace();
    await seed(idle, 2);
    await setDays(idle, 30);
    const errors: unknown[] = [];
    const results = await purgeAll(ctx.app.db, SYSTEM_ACTOR, (_ws, err) => errors.push(err));
    expect(errors).toEqual([]);
    expect(results.find((r) => r.workspaceId === idle)).toMatchObject({ purged: 0 });
    const count = await ctx.app.db
      .selectFrom('activity_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', idle)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2); // nothing purged, and no empty "purged" entry either
  });
});

describe('the periodic purge job', () => {
  it('purges on its interval, and stop() waits for a run in progress', async () => {
    const ws = await newWorkspace();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 3 * 86_400_000));
    await seed(ws, 3);
    vi.useRealTimers();
    await ctx.app.db
      .insertInto('activity_settings')
      .values({ workspace_id: ws, retention_days: 1 })
      .execute();
    const job = createPurgeJob(ctx.app.db, ctx.app.log, 25);
    job.start();
    try {
      await vi.waitFor(
        async () => {
          const checkpoint = await latestCheckpoint(ctx.app.db, ws);
          expect(checkpoint?.seq).toBe(3);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await job.stop();
    }
    const purged = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'actor_type', 'after'])
      .where('workspace_id', '=', ws)
      .execute();
    expect(purged).toEqual([
      { action: 'activity.purged', actor_type: 'system', after: expect.objectContaining({ purged: 3 }) },
    ]);
    expect(await job.runOnce()).toBe(0);
    expect((await verifyChain(ctx.app.db, ws)).intact).toBe(true);
  });
});

describe('search and export', () => {
  it('pages newest first with a cursor that stays stable while entries arrive', async () => {
    const ws = await newWorkspace();
    await seed(ws, 25);
    const filter = toFilter(ws, {});
    const first = await searchActivity(ctx.app.db, filter, { limit: 10 });
    expect(first.items.map((i) => i.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    // New entries arrive between pages (concurrently).
    const writes = Promise.all(
      Array.from({ length: 8 }, (_, i) => record(ws, 'thing.late', { after: { i } })),
    );
    const second = await searchActivity(ctx.app.db, filter, { limit: 10, cursor: first.nextCursor ?? '' });
    await writes;
    const third = await searchActivity(ctx.app.db, filter, { limit: 10, cursor: second.nextCursor ?? '' });
    expect(second.items.map((i) => i.seq)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(third.items.map((i) => i.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(third.nextCursor).toBeNull();
    const fresh = await searchActivity(ctx.app.db, filter, { limit: 10 });
    expect(fresh.items[0]?.seq).toBe(33);
  });

  it('filters by actor, action (exact and prefix), target, agent and time', async () => {
    const ws = await newWorkspace();
    const agent = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
    await record(ws, 'member.role_changed', { target: { type: 'user', id: 'u2' } });
    await record(ws, 'member.removed', { target: { type: 'user', id: 'u3' } });
    await ctx.app.db.transaction().execute((tx) =>
      recordActivity(tx, {
        workspaceId: ws,
        actor: BOT,
        action: 'agent.approved',
        agentId: agent,
        target: { type: 'agent', id: agent },
      }),
    );
    await record(ws, 'members.exported');
    const search = async (q: Parameters<typeof toFilter>[1]) =>
      (await searchActivity(ctx.app.db, toFilter(ws, q), { limit: 50 })).items.map((i) => i.action);
    expect(await search({ action: 'member.*' })).toEqual(['member.removed', 'member.role_changed']);
    expect(await search({ action: 'member.removed' })).toEqual(['member.removed']);
    expect(await search({ actor: BOT.id ?? '' })).toEqual(['agent.approved']);
    expect(await search({ actorType: 'user' })).toHaveLength(3);
    expect(await search({ targetType: 'user', targetId: 'u2' })).toEqual(['member.role_changed']);
    expect(await search({ targetType: 'agent' })).toEqual(['agent.approved']);
    expect(await search({ agentId: agent.toUpperCase() })).toEqual(['agent.approved']);
    expect(await search({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await search({ to: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(4);
    expect(() => toFilter(ws, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toThrow(/later/);
  });

  it('finds exactly the entries of a time window deep in the log, despite a little clock skew', async () => {
    const ws = await newWorkspace();
    const day = 86_400_000;
    const t0 = Date.now() - 10 * day;
    vi.useFakeTimers({ toFake: ['Date'] });
    const at = async (ms: number, action: string) => {
      vi.setSystemTime(new Date(ms));
      await record(ws, action);
    };
    await at(t0, 'thing.before');
    await at(t0 + day, 'thing.inside_1');
    // Another instance whose clock runs a minute behind appends next.
    await at(t0 + day - 60_000, 'thing.inside_skewed');
    await at(t0 + day + 3_600_000, 'thing.inside_2');
    await at(t0 + 2 * day, 'thing.after');
    vi.useRealTimers();
    await seed(ws, 3);
    const window = toFilter(ws, {
      from: new Date(t0 + day - 120_000).toISOString(),
      to: new Date(t0 + 2 * day - 1).toISOString(),
    });
    const found = await searchActivity(ctx.app.db, window, { limit: 50 });
    expect(found.items.map((i) => i.action)).toEqual([
      'thing.inside_2',
      'thing.inside_skewed',
      'thing.inside_1',
    ]);
    const paged = await searchActivity(ctx.app.db, window, { limit: 2 });
    const rest = await searchActivity(ctx.app.db, window, { limit: 2, cursor: paged.nextCursor ?? '' });
    expect([...paged.items, ...rest.items].map((i) => i.action)).toEqual(found.items.map((i) => i.action));
  });

  it('rejects a cursor it did not issue', async () => {
    const ws = await newWorkspace();
    await expect(
      searchActivity(ctx.app.db, toFilter(ws, {}), { limit: 5, cursor: 'nope' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('exports exactly the filtered set, as CSV and as JSON lines, across page boundaries', async () => {
    const ws = await newWorkspace();
    for (let i = 0; i < 7; i++) await record(ws, i % 2 ? 'member.invited' : 'thing.other', { after: { i } });
    const filter = toFilter(ws, { action: 'member.*' });
    const read = async (format: 'csv' | 'jsonl') => {
      const chunks: Buffer[] = [];
      for await (const c of exportStream(ctx.app.db, filter, format)) chunks.push(Buffer.from(c));
      return Buffer.concat(chunks).toString('utf8');
    };
    const jsonl = (await read('jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((e) => e.seq)).toEqual([6, 4, 2]);
    expect(jsonl[0]).toMatchObject({
      action: 'member.invited',
      actor: { name: 'Ada Admin' },
      after: { i: 5 },
    });
    const csv = (await read('csv')).trim().split('\n');
    expect(csv[0]).toBe(
      'id,seq,created_at,actor_type,actor_id,actor_name,action,target_type,target_id,agent_id,before,after,ip,user_agent,request_id,hash,prev_hash',
    );
    expect(csv).toHaveLength(4);
    expect(csv[1]).toContain(',6,');
    // Small pages: the iterator walks the keyset across page boundaries without loss or repeats.
    const seen: number[] = [];
    for await (const row of iterateActivity(ctx.app.db, toFilter(ws, {}), 2)) seen.push(Number(row.seq));
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('neutralises spreadsheet formulas in CSV cells', async () => {
    const ws = await newWorkspace();
    await ctx.app.db.transaction().execute((tx) =>
      recordActivity(tx, {
        workspaceId: ws,
        actor: { type: 'user', id: 'u9', name: '=HYPERLINK("http://x")' },
        action: 'thing.x',
      }),
    );
    let out = '';
    for await (const c of exportStream(ctx.app.db, toFilter(ws, {}), 'csv')) out += String(c);
    expect(out).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});

describe('permissionDiff', () => {
  it('returns only the changed items, in catalog order, with readable lines', () => {
    const d = permissionDiff(
      { 'build.knowledge': 'read', 'build.flows': 'edit', 'analytics.feedback': 'read' },
      { 'build.knowledge': 'edit', 'build.flows': 'edit', 'channels.chat': 'read' },
    );
    expect(d.changes).toEqual([
      'analytics.feedback: read → none',
      'build.knowledge: read → edit',
      'channels.chat: none → read',
    ]);
    expect(d.before).toEqual({
      'analytics.feedback': 'read',
      'build.knowledge': 'read',
      'channels.chat': 'none',
    });
    expect(d.after).toEqual({
      'analytics.feedback': 'none',
      'build.knowledge': 'edit',
      'channels.chat': 'read',
    });
    expect(permissionDiff(null, null).changes).toEqual([]);
  });

  it('is the nil uuid that keys the global chain', () => {
    expect(GLOBAL_CHAIN).toMatch(/^0{8}-/);
  });
});
