/**
 * HTTP benchmark of the check API (issue 3): `POST /v1/check` and
 * `POST /v1/check/batch` (100 checks per request) with API-key auth, on
 * PostgreSQL, against a bare Fastify endpoint returning a constant, measured
 * in the same run. The server runs in its own process (bench/lib/server-http.ts);
 * autocannon generates the load from this one. 50 connections.
 *
 *   npm run http -w @atrium/bench
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_DURATION=10 npx tsx bench/http.ts
 *
 * Loopback only; every run stops by itself and drops its throwaway database.
 */
import autocannon from 'autocannon';
import { startServer } from './lib/server-child';
import { createBenchDatabase, randomChecks, rng, seedBenchWorkspace } from './lib/server-seed';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const BATCH = 100;

interface Figures {
  label: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  decisionsPerSec?: number;
}

async function load(
  url: string,
  path: string,
  bodies: string[],
  apiKey: string | null,
  seconds: number,
): Promise<autocannon.Result> {
  let i = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return autocannon({
    url: url + path,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }),
      },
    ],
  });
}

function figures(label: string, r: autocannon.Result, perRequest = 1): Figures {
  const errors = r.errors + r.timeouts + r.non2xx;
  return {
    label,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors,
    ...(perRequest > 1 ? { decisionsPerSec: r.requests.average * perRequest } : {}),
  };
}

async function run(): Promise<void> {
  console.log(
    `check API over HTTP: ${CONNECTIONS} connections, ${DURATION} s per run, PostgreSQL at ${ADMIN_URL}`,
  );
  const bench = await createBenchDatabase(ADMIN_URL, 'http');
  const results: Figures[] = [];
  try {
    const seed = await seedBenchWorkspace(bench.database, { users: 1000, agents: 20 });
    const rand = rng(11);
    const checks = randomChecks(seed, 2000, rand).map((c) => JSON.stringify(c));
    const batches = Array.from({ length: 200 }, () =>
      JSON.stringify({ checks: randomChecks(seed, BATCH, rand) }),
    );
    // Compact batches: one random person on one random agent, 100 random
    // (permission, level) pairs — the shape of "what may this user do here".
    const compact = Array.from({ length: 200 }, () => {
      const [first] = randomChecks(seed, 1, rand);
      return JSON.stringify({
        workspaceId: seed.workspaceId,
        agentId: first!.agentId,
        subject: first!.subject,
        checks: randomChecks(seed, BATCH, rand).map((c) => ({ permission: c.permission, level: c.level })),
      });
    });
    console.log('dataset: 1 workspace, 1,000 members, 20 agents, 1–3 agent roles each, 1 named policy');

    const bare = await startServer(['bare']);
    try {
      await load(bare.baseUrl, '/v1/check', checks, null, 2); // warm-up
      results.push(
        figures(
          'bare Fastify, constant (single body)',
          await load(bare.baseUrl, '/v1/check', checks, null, DURATION),
        ),
      );
      results.push(
        figures(
          'bare Fastify, constant (batch body)',
          await load(bare.baseUrl, '/v1/check/batch', batches, null, DURATION),
          BATCH,
        ),
      );
      results.push(
        figures(
          'bare Fastify, constant (compact batch body)',
          await load(bare.baseUrl, '/v1/check/batch', compact, null, DURATION),
          BATCH,
        ),
      );
    } finally {
      await bare.stop();
    }

    const atrium = await startServer(['atrium', bench.url]);
    try {
      await load(atrium.baseUrl, '/v1/check', checks, seed.apiKey, 2); // warm-up: JIT, caches
      results.push(
        figures(
          'Atrium POST /v1/check',
          await load(atrium.baseUrl, '/v1/check', checks, seed.apiKey, DURATION),
        ),
      );
      await load(atrium.baseUrl, '/v1/check/batch', batches, seed.apiKey, 2);
      results.push(
        figures(
          `Atrium POST /v1/check/batch (${BATCH} checks)`,
          await load(atrium.baseUrl, '/v1/check/batch', batches, seed.apiKey, DURATION),
          BATCH,
        ),
      );
      results.push(
        figures(
          `Atrium compact batch (${BATCH}, one subject)`,
          await load(atrium.baseUrl, '/v1/check/batch', compact, seed.apiKey, DURATION),
          BATCH,
        ),
      );
    } finally {
      await atrium.stop();
    }
  } finally {
    await bench.drop();
  }

  const [bareOne, bareBatch, bareCompact, one, batch, compactBatch] = results as [
    Figures,
    Figures,
    Figures,
    Figures,
    Figures,
    Figures,
  ];
  console.log('');
  console.log(
    'run'.padEnd(46),
    'req/s'.padStart(9),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'errors'.padStart(7),
    'decisions/s'.padStart(12),
  );
  for (const f of results) {
    console.log(
      f.label.padEnd(46),
      Math.round(f.reqPerSec).toLocaleString('en').padStart(9),
      f.p50.toFixed(2).padStart(8),
      f.p99.toFixed(2).padStart(8),
      String(f.errors).padStart(7),
      Math.round(f.decisionsPerSec ?? f.reqPerSec)
        .toLocaleString('en')
        .padStart(12),
    );
  }
  const ratio = one.reqPerSec / bareOne.reqPerSec;
  const batchRatio = batch.reqPerSec / bareBatch.reqPerSec;
  console.log('');
  console.log(
    `check: ${(ratio * 100).toFixed(1)}% of bare req/s (target ≥ 70%), p99 ${one.p99.toFixed(2)} ms (target ≤ 5 ms), ${one.errors} errors (target 0)`,
  );
  console.log(
    `batch: ${Math.round(batch.decisionsPerSec ?? 0).toLocaleString('en')} decisions/s (target ≥ 1,000,000), ${(batchRatio * 100).toFixed(1)}% of bare req/s with the same body, p99 ${batch.p99.toFixed(2)} ms, ${batch.errors} errors`,
  );
  console.log(
    `compact batch: ${Math.round(compactBatch.decisionsPerSec ?? 0).toLocaleString('en')} decisions/s, ${((compactBatch.reqPerSec / bareCompact.reqPerSec) * 100).toFixed(1)}% of bare req/s with the same body, p99 ${compactBatch.p99.toFixed(2)} ms, ${compactBatch.errors} errors`,
  );
}

await run();
