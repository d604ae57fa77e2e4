/**
 * Activity-log benchmark (issue 6) on PostgreSQL: seeds a throwaway database
 * with 1,000,000 entries in one workspace (plus a smaller neighbour, so the
 * tenant condition matters), then measures with the server's own query code:
 *
 * - p50/p99 of a filtered first page of 50 (action exact, action prefix,
 *   actor, target, agent, time window) and of deep cursor pages;
 * - the export of the full set (CSV and JSON lines): rows/s, and peak RSS and
 *   heap sampled every 50 ms, with the RSS at 10 % / 50 % / 90 % of the rows
 *   to show memory stays flat.
 *
 *   npx tsx bench/activity.ts
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_ENTRIES=1000000 npx tsx bench/activity.ts
 *
 * Entries are inserted with generate_series (fast); their hashes are not a
 * valid chain, which the query and export paths do not look at. The database
 * is dropped at the end (BENCH_KEEP=1 keeps it; BENCH_SKIP_EXPORT=1 measures pages only).
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db';
import { migrate } from '../packages/server/src/db/migrate';
import { type ActivityFilter, pageQuery } from '../packages/server/src/modules/activity/repo';
import {
  decodeCursor,
  encodeCursor,
  exportStream,
  searchActivity,
} from '../packages/server/src/modules/activity/service';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const NEIGHBOUR = Math.max(1000, Math.round(ENTRIES / 20));
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const WS = '0b0b0b0b-0000-4000-8000-000000000001';
const OTHER = '0b0b0b0b-0000-4000-8000-000000000002';
const AGENT = (n: number) => `0a0a0a0a-0000-4000-8000-${String(n).padStart(12, '0')}`;

const ACTIONS = [
  'member.role_changed',
  'member.removed',
  'member.added',
  'member.agent_access_changed',
  'permissions.updated',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'agent.created',
  'agent.approved',
  'agent.rejected',
  'agent.renamed',
  'preset.updated',
  'policies.updated',
  'api_key.created',
  'auth.signed_in',
  'ticket.created',
  'billing.details_updated',
  'share_link.updated',
  'access.denied',
];

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Inserts the entries with generate_series over a plain pg connection (the bench needs no query builder here). */
async function seed(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Bench'), ($2, 'Neighbour')`, [WS, OTHER]);
    const chunk = 100_000;
    const insert = async (ws: string, total: number) => {
      for (let start = 1; start <= total; start += chunk) {
        const end = Math.min(total, start + chunk - 1);
        // One second between entries, newest now: a million entries span ~11.6 days.
        await c.query(
          `INSERT INTO activity_log (workspace_id, seq, actor_type, actor_id, actor_name, action,
             target_type, target_id, agent_id, before, after, ip, user_agent, request_id, created_at, prev_hash, hash)
           SELECT $1::uuid, g,
             CASE WHEN g % 10 = 0 THEN 'api_key' ELSE 'user' END,
             'user-' || (g % 50), 'User ' || (g % 50),
             ($2::text[])[1 + (g % $3)],
             'member', 'target-' || ((g * 7) % 5000),
             CASE WHEN g % 3 = 0 THEN ('0a0a0a0a-0000-4000-8000-' || lpad((g % 20)::text, 12, '0'))::uuid END,
             jsonb_build_object('role', 'member', 'build.knowledge', 'read'),
             jsonb_build_object('role', 'admin', 'build.knowledge', 'edit'),
             '203.0.113.' || (g % 250), 'Mozilla/5.0 (bench)', 'req-' || g,
             now() - (($4::bigint - g) * interval '1 second'),
             md5((g - 1)::text) || md5((g - 1)::text), md5(g::text) || md5(g::text)
           FROM generate_series($5::bigint, $6::bigint) AS g`,
          [ws, ACTIONS, ACTIONS.length, total, start, end],
        );
        process.stdout.write(
          `\r  seeded ${ws === WS ? 'workspace' : 'neighbour'} ${end.toLocaleString('en')} / ${total.toLocaleString('en')}`,
        );
      }
      process.stdout.write('\n');
    };
    await insert(WS, ENTRIES);
    await insert(OTHER, NEIGHBOUR);
    await c.query('ANALYZE activity_log');
  } finally {
    await c.end();
  }
}

async function main() {
  const name = `atrium_bench_activity_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  console.log(`activity-log benchmark: PostgreSQL, throwaway database ${name}`);
  console.log(
    `  ${ENTRIES.toLocaleString('en')} entries in one workspace, ${NEIGHBOUR.toLocaleString('en')} in a neighbour`,
  );
  const database = await openDatabase({ kind: 'postgres', url: dbUrl(name), poolSize: 4 });
  try {
    await migrate(database.db);
    const t0 = performance.now();
    await seed(dbUrl(name));
    console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const db = database.db;

    // Deep cursors: the id of the entry 90 % of the way back, overall and within a filter.
    const deepAll = await db
      .selectFrom('activity_log')
      .select(['id', 'seq'])
      .where('workspace_id', '=', WS)
      .orderBy('id', 'desc')
      .offset(Math.floor(ENTRIES * 0.9))
      .limit(1)
      .executeTakeFirstOrThrow();
    const mid = new Date(Date.now() - (ENTRIES / 2) * 1000);
    const base: ActivityFilter = { workspaceId: WS };
    const cases: { name: string; filter: ActivityFilter; cursor?: string }[] = [
      { name: 'first page, no filter', filter: base },
      { name: 'first page, action exact', filter: { ...base, action: 'member.role_changed' } },
      { name: 'first page, action prefix member.*', filter: { ...base, action: 'member.*' } },
      { name: 'first page, actor', filter: { ...base, actorId: 'user-7' } },
      { name: 'first page, target', filter: { ...base, targetType: 'member', targetId: 'target-42' } },
      { name: 'first page, agent', filter: { ...base, agentId: AGENT(3) } },
      {
        name: 'first page, 1-hour window mid-log',
        filter: { ...base, from: new Date(mid.getTime() - 3_600_000), to: mid },
      },
      {
        name: 'first page, action + 1-day window',
        filter: { ...base, action: 'member.removed', from: new Date(mid.getTime() - 86_400_000), to: mid },
      },
      {
        name: 'deep page (90 %), no filter',
        filter: base,
        cursor: encodeCursor({ id: String(deepAll.id), seq: Number(deepAll.seq) }),
      },
      {
        name: 'deep page (90 %), action exact',
        filter: { ...base, action: 'member.role_changed' },
        cursor: encodeCursor({ id: String(deepAll.id), seq: Number(deepAll.seq) }),
      },
      {
        name: 'deep page (90 %), actor',
        filter: { ...base, actorId: 'user-7' },
        cursor: encodeCursor({ id: String(deepAll.id), seq: Number(deepAll.seq) }),
      },
    ];
    // Two views of each page: wall time through the server's code (what a
    // client waits for, including Node and the pool, sensitive to a busy
    // machine) and PostgreSQL's own execution time (EXPLAIN ANALYZE).
    const explain = new pg.Client({ connectionString: dbUrl(name) });
    await explain.connect();
    const serverTimes = async (c: { filter: ActivityFilter; cursor?: string }) => {
      const compiled = pageQuery(db, c.filter, decodeCursor(c.cursor), 51).compile();
      const times: number[] = [];
      for (let i = 0; i < Math.min(RUNS, 100); i++) {
        const r = await explain.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`, [
          ...compiled.parameters,
        ]);
        times.push((r.rows[0]['QUERY PLAN'][0] as { 'Execution Time': number })['Execution Time']);
      }
      return times.sort((a, b) => a - b);
    };
    console.log(
      'page of 50                                                  wall p50   wall p99   db p50   db p99   rows',
    );
    const pageResults: Record<string, { p50: number; p99: number }> = {};
    const dbResults: Record<string, number> = {};
    for (const c of cases) {
      for (let i = 0; i < 20; i++) await searchActivity(db, c.filter, { cursor: c.cursor, limit: 50 });
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const page = await searchActivity(db, c.filter, { cursor: c.cursor, limit: 50 });
        times.push(performance.now() - s);
        rows = page.items.length;
      }
      times.sort((a, b) => a - b);
      const dbTimes = await serverTimes(c);
      pageResults[c.name] = { p50: pct(times, 50), p99: pct(times, 99) };
      dbResults[c.name] = pct(dbTimes, 99);
      console.log(
        `  ${c.name.padEnd(56)} ${pct(times, 50).toFixed(2).padStart(9)}  ${pct(times, 99).toFixed(2).padStart(9)}  ${pct(dbTimes, 50).toFixed(2).padStart(7)}  ${pct(dbTimes, 99).toFixed(2).padStart(7)}  ${String(rows).padStart(5)}`,
      );
    }

    console.log('\nexport of the full workspace (every entry, newest first)');
    const formats = process.env.BENCH_SKIP_EXPORT ? [] : (['csv', 'jsonl'] as const);
    for (const format of formats) {
      (globalThis as { gc?: () => void }).gc?.();
      const rss0 = process.memoryUsage().rss;
      let peakRss = rss0;
      let peakHeap = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 50);
      let bytes = 0;
      let lines = 0;
      const checkpoints: string[] = [];
      const marks = [0.1, 0.5, 0.9].map((f) => Math.floor(ENTRIES * f));
      const sink = new Writable({
        write(chunk: Buffer | string, _enc, cb) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          bytes += buf.length;
          for (let i = 0; i < buf.length; i++) {
            if (buf[i] === 10) {
              lines++;
              if (marks.includes(lines))
                checkpoints.push(`${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
            }
          }
          cb();
        },
      });
      const s = performance.now();
      await pipeline(exportStream(db, base, format), sink);
      const secs = (performance.now() - s) / 1000;
      clearInterval(sampler);
      const rows = format === 'csv' ? lines - 1 : lines;
      console.log(
        `  ${format.padEnd(5)} ${rows.toLocaleString('en')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${secs.toFixed(1)} s = ${Math.round(rows / secs).toLocaleString('en')} rows/s; ` +
          `RSS start ${Math.round(rss0 / 2 ** 20)} MiB, at 10/50/90 % ${checkpoints.join(' / ')}, peak ${Math.round(peakRss / 2 ** 20)} MiB; peak heap ${Math.round(peakHeap / 2 ** 20)} MiB`,
      );
    }
    await explain.end();
    const worst = Math.max(...Object.values(pageResults).map((r) => r.p99));
    const worstDb = Math.max(...Object.values(dbResults));
    console.log(
      `\nworst p99 of a page: wall ${worst.toFixed(2)} ms, database ${worstDb.toFixed(2)} ms (target < 50 ms): ` +
        `${worst < 50 ? 'met' : 'NOT met'} on wall time, ${worstDb < 50 ? 'met' : 'NOT met'} in the database`,
    );
  } finally {
    await database.close();
    if (!process.env.BENCH_KEEP) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
