/**
 * Consistency benchmark (issue 3, docs/rules.md §3 "Changes take effect
 * immediately"): two Atrium instances on one PostgreSQL database. Instance A
 * (this process) takes each timed revoke through its real route
 * (`PATCH /v1/workspaces/{ws}/members/{userId}`, as a signed-in admin: the
 * member loses access to every agent);
 * instance B is a separate process (bench/lib/server-http.ts) answering
 * `POST /v1/check` over HTTP with an API key.
 *
 * - Phase 1, without a revision token: time from A's revoke returning to B
 *   answering `none` (B polls nothing itself; we poll B). p50 / p99 over
 *   BENCH_ROUNDS revokes (default 1,000). Baseline: the round trip of one
 *   check to B in the same run (the floor of what a poll can observe).
 * - Phase 2, with the token: right after each revoke, one check on B with
 *   `atLeastRevision`; the number of stale (not `none`) answers must be 0.
 *
 *   npm run revoke -w @atrium/bench
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_ROUNDS=1000 npx tsx bench/revoke.ts
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';
import { openDatabase } from '../packages/server/src/db';
import { setMember } from '../packages/server/test/check-fixtures';
import { createUser } from '../packages/server/test/factories';
import { startServer } from './lib/server-child';
import { createBenchDatabase, seedBenchWorkspace } from './lib/server-seed';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
/** Give up on one round after this long (counted as a failure, never an endless loop). */
const ROUND_LIMIT_MS = 2000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(): Promise<void> {
  const bench = await createBenchDatabase(ADMIN_URL, 'revoke');
  const aDatabase = await openDatabase({ kind: 'postgres', url: bench.url, poolSize: 5 });
  const config = loadConfig({
    ATRIUM_MODE: 'production',
    // A throwaway seal key: benchmarks never verify seals across runs.
    ATRIUM_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: bench.url,
    LOG_LEVEL: 'warn',
    ATRIUM_CONSOLE_DIR: '/nonexistent',
    AUTH_RATE_LIMIT_PER_IP: '1000000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
  });
  const a = await buildApp(config, { database: aDatabase, skipMigrations: true });
  await a.ready();
  const b = await startServer(['atrium', bench.url]);
  try {
    const seed = await seedBenchWorkspace(bench.database, { users: 200, agents: 5 });
    // The admin who revokes: a real account, signed in through A.
    const admin = await createUser(a);
    await bench.database.db
      .insertInto('workspace_members')
      .values({ workspace_id: seed.workspaceId, user_id: admin.id, role: 'admin', agent_access: 'all' })
      .execute();
    const target = seed.userIds[1]!;
    const agentId = seed.agentIds[0]!;
    await bench.database.db
      .deleteFrom('agent_members')
      .where('workspace_id', '=', seed.workspaceId)
      .where('user_id', '=', target)
      .execute();

    const setAccess = async (agentAccess: 'all' | 'assigned'): Promise<number> => {
      const res = await a.inject({
        method: 'PATCH',
        url: `/v1/workspaces/${seed.workspaceId}/members/${target}`,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: { agentAccess, matrix: { 'build.knowledge': 'edit' } },
      });
      if (res.statusCode !== 200) throw new Error(`PATCH member failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { revision: number }).revision;
    };
    const checkOnB = async (atLeastRevision?: number): Promise<{ level: string; revision: number }> => {
      // Node's fetch keeps the connection alive between calls.
      const res = await fetch(`${b.baseUrl}/v1/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${seed.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          workspaceId: seed.workspaceId,
          agentId,
          subject: { userId: target },
          permission: 'build.knowledge',
          level: 'read',
          ...(atLeastRevision === undefined ? {} : { atLeastRevision }),
        }),
      });
      const body = (await res.json()) as { level: string; revision: number };
      if (res.status !== 200) throw new Error(`check failed: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    // The grant that precedes each revoke is untimed: written straight through A's
    // database handle (one transaction bumping the revision, like the route), so
    // the run stays short; the timed revoke goes through A's route.
    const grant = async () => {
      const revision = await setMember(a.db, seed.workspaceId, target, {
        agentAccess: 'all',
        matrix: { 'build.knowledge': 'edit' },
      });
      // B must have the grant cached (allowed) before the revoke is timed.
      const seen = await checkOnB(revision);
      if (seen.level === 'none') throw new Error('grant not visible on B with its token');
    };

    // Baseline: one check round trip to B, measured in the same run.
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await checkOnB();
      rtt.push(performance.now() - t);
    }
    rtt.sort((x, y) => x - y);

    console.log(`revoke → deny across two instances on PostgreSQL, ${ROUNDS} revokes per phase`);
    const latencies: number[] = [];
    let timeouts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await grant();
      await setAccess('assigned');
      const started = performance.now();
      let level = 'edit';
      while (level !== 'none' && performance.now() - started < ROUND_LIMIT_MS)
        level = (await checkOnB()).level;
      if (level === 'none') latencies.push(performance.now() - started);
      else timeouts++;
      if ((round + 1) % 100 === 0) process.stdout.write(`  ${round + 1} revokes timed\n`);
    }
    latencies.sort((x, y) => x - y);

    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await grant();
      const revoked = await setAccess('assigned');
      const answer = await checkOnB(revoked);
      if (answer.level !== 'none' || answer.revision < revoked) stale++;
      if ((round + 1) % 100 === 0) process.stdout.write(`  ${round + 1} revokes checked with the token\n`);
    }

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log('');
    console.log(
      `baseline, one check round trip to B:  p50 ${percentile(rtt, 50).toFixed(2)} ms, p99 ${percentile(rtt, 99).toFixed(2)} ms`,
    );
    console.log(
      `revoke on A → B answers none, no token: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(2)} ms (target p99 ≤ 50 ms); ${timeouts} rounds over ${ROUND_LIMIT_MS} ms`,
    );
    console.log(
      `  ratio to the check round trip: p50 ×${(p50 / percentile(rtt, 50)).toFixed(1)}, p99 ×${(p99 / percentile(rtt, 99)).toFixed(1)}`,
    );
    console.log(
      `with atLeastRevision: ${stale} stale answers in ${ROUNDS} revoke-then-check rounds (target 0)`,
    );
  } finally {
    await b.stop();
    await a.close();
    await aDatabase.close();
    await bench.drop();
  }
}

await run();
