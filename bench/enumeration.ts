/**
 * Password reset timing (issue 14, docs/security.md "Enumeration"):
 * `POST /v1/auth/password-reset` must take the same time for an address with
 * an account and one without, or the clock tells which addresses exist.
 * Runs TRIES requests of each, interleaved, against an in-process app (on
 * the embedded in-memory database unless BENCH_DATABASE_URL names a
 * PostgreSQL one, whose tables it migrates and writes to),
 * and prints the median times and their difference (target: under 5 ms).
 *
 *   npm run enumeration -w @atrium/bench
 *   BENCH_TRIES=500 npx tsx bench/enumeration.ts
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from '../packages/server/src/app';
import { testConfig } from '../packages/server/src/config';
import { createUser } from '../packages/server/test/factories';

const TRIES = Number(process.env.BENCH_TRIES ?? 200);
const WARMUP = 20;
const TARGET_MS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main() {
  const config = testConfig({ databaseUrl: process.env.BENCH_DATABASE_URL ?? null, logLevel: 'error' });
  const app = await buildApp({ ...config, verifyCommands: false });
  await app.ready();
  try {
    const known = (await createUser(app)).email;
    const reset = async (email: string): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.statusCode !== 202) throw new Error(`password reset answered ${res.statusCode}: ${res.body}`);
      return ms;
    };
    const unknown = () => `nobody-${randomBytes(6).toString('hex')}@example.com`;
    for (let i = 0; i < WARMUP; i++) {
      await reset(known);
      await reset(unknown());
    }
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < TRIES; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2) {
        times.known.push(await reset(known));
        times.unknown.push(await reset(unknown()));
      } else {
        times.unknown.push(await reset(unknown()));
        times.known.push(await reset(known));
      }
    }
    const k = median(times.known);
    const u = median(times.unknown);
    const diff = Math.abs(k - u);
    console.log(`password reset, ${TRIES} tries each`);
    console.log(`  known address   median ${k.toFixed(2)} ms`);
    console.log(`  unknown address median ${u.toFixed(2)} ms`);
    console.log(`  difference             ${diff.toFixed(2)} ms (target < ${TARGET_MS} ms)`);
    if (diff >= TARGET_MS) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
