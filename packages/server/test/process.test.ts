import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl } from './global-setup';

/**
 * The quick start as a user runs it: the real `atrium serve` process, on the
 * embedded database in a data folder (or on PostgreSQL when the suite runs
 * there), stopped with SIGTERM and started again on the same data.
 */

const BIN = path.resolve(import.meta.dirname, '../bin/atrium.mjs');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

function start(env: Record<string, string>): Running {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  let killedAt = 0;
  const origKill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    killedAt = Date.now();
    return origKill(signal);
  };
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, ms: Date.now() - killedAt })),
  );
  return { child, output: () => out, exited };
}

async function waitReady(base: string, running: Running, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (running.child.exitCode !== null) throw new Error(`server exited:\n${running.output()}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready in ${timeoutMs} ms:\n${running.output()}`);
}

describe('the atrium process', () => {
  const source = inject('testDatabase');
  let dataDir = '';
  let env: Record<string, string> = {};
  let dropDatabase = async () => {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'atrium-proc-'));
    env = { ATRIUM_DATA_DIR: path.join(dataDir, 'data'), ATRIUM_SEED_DEMO: 'true', DATABASE_URL: '' };
    if (source.kind === 'postgres') {
      const name = `atrium_proc_${process.pid}`;
      const admin = new pg.Client({ connectionString: source.adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`); // empty: the process migrates it
      await admin.end();
      env.DATABASE_URL = databaseUrl(source.adminUrl, name);
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: source.adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    }
  });
  afterAll(async () => {
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health, readiness and OpenAPI; SIGTERM exits 0 within 5 s; a restart keeps the data and does not seed twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start({ ...env, PORT: String(port) });
    try {
      await waitReady(base, first);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
      expect(doc.openapi).toBe('3.1.0');
      expect(first.output()).toMatch(/demo workspace "Acme Support" created/);
      expect(first.output()).toMatch(/admin@example\.com/);
    } finally {
      first.child.kill('SIGTERM');
    }
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);

    const second = start({ ...env, PORT: String(port) });
    try {
      await waitReady(base, second);
      expect(second.output()).not.toMatch(/created/);
      expect(second.output()).toMatch(/demo workspace "Acme Support"/);
    } finally {
      second.child.kill('SIGINT');
    }
    expect((await second.exited).code).toBe(0);

    // The data survived the restart, and the demo exists exactly once.
    const count = await countDemoWorkspaces(env);
    expect(count).toBe(1);
  }, 90_000);

  it('a bad configuration value stops the process with one line naming the variable', async () => {
    const bad = start({ ...env, PORT: 'eighty' });
    const { code } = await bad.exited;
    expect(code).toBe(1);
    expect(bad.output().trim()).toBe(
      'atrium: invalid configuration: PORT: must be a whole number, got "eighty"',
    );
  });
});

async function countDemoWorkspaces(env: Record<string, string>): Promise<number> {
  const { openDatabase } = await import('../src/db');
  const database = env.DATABASE_URL
    ? await openDatabase({ kind: 'postgres', url: env.DATABASE_URL })
    : await openDatabase({ kind: 'pglite', dataDir: env.ATRIUM_DATA_DIR });
  try {
    const rows = await database.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', 'Acme Support')
      .execute();
    return rows.length;
  } finally {
    await database.close();
  }
}
