/**
 * A server process for the HTTP benchmarks (bench/http.ts, bench/revoke.ts):
 * started with `fork`, it listens on a random loopback port and reports it
 * over IPC, then serves until its parent disconnects.
 *
 *   server-http.ts bare              a bare Fastify app: POST /v1/check and
 *                                    /v1/check/batch answer a constant
 *   server-http.ts atrium <db url>   the Atrium app on that PostgreSQL database
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/server/src/app';
import { loadConfig } from '../../packages/server/src/config';

const [mode, url] = process.argv.slice(2);

async function bare(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const one = { allowed: true, level: 'edit', revision: 1 };
  const batch = { results: Array.from({ length: 100 }, () => one) };
  app.post('/v1/check', async () => one);
  app.post('/v1/check/batch', async () => batch);
  return app;
}

async function atrium(): Promise<FastifyInstance> {
  if (!url) throw new Error('usage: server-http.ts atrium <postgres url>');
  const config = loadConfig({
    ATRIUM_MODE: 'production',
    // A throwaway seal key: benchmarks never verify seals across runs.
    ATRIUM_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '10',
    LOG_LEVEL: 'warn',
    ATRIUM_CONSOLE_DIR: '/nonexistent',
  });
  return buildApp(config, { skipMigrations: true });
}

const app = mode === 'bare' ? await bare() : await atrium();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
if (process.send) {
  process.send({ port });
  process.on('disconnect', () => {
    app.close().finally(() => process.exit(0));
  });
} else {
  // Run by hand (e.g. under --cpu-prof): print the port, stop on SIGINT/SIGTERM.
  console.log(`listening on http://127.0.0.1:${port}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.close().finally(() => process.exit(0));
    });
  }
}
