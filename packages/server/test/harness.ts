import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../src/app';
import { type Config, testConfig } from '../src/config';
import { type Database, openDatabase } from '../src/db';
import { databaseUrl } from './global-setup';

export interface TestDatabase {
  database: Database;
  /** Connection URL on PostgreSQL (for a second app instance); null on PGlite. */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    const bytes = await readFile(source.dumpPath);
    const database = await openDatabase({ kind: 'pglite', loadDataDir: new Blob([bytes]) });
    return { database, url: null, drop: () => database.close() };
  }
  const name = `atrium_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: source.adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source.template}`);
        break;
      } catch (err) {
        // Two files cloning the template at the same instant: PostgreSQL refuses one; try again.
        if (attempt >= 20 || !String(err).includes('is being accessed')) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(source.adminUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  return {
    database,
    url,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: source.adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestContext {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly testDb: TestDatabase;
  readonly config: Config;
}

/**
 * Builds the app on a fresh database for the current test file (beforeAll)
 * and tears both down afterwards. Tests isolate from each other by creating
 * their own users and workspaces (see factories.ts).
 */
export function useTestApp(overrides: Partial<Config> = {}): TestContext {
  let app: FastifyInstance | undefined;
  let testDb: TestDatabase | undefined;
  const config = testConfig({ publicUrl: 'http://atrium.test', ...overrides });
  beforeAll(async () => {
    testDb = await createTestDatabase();
    app = await buildApp(config, { database: testDb.database, skipMigrations: true });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
  });
  return {
    get app() {
      if (!app) throw new Error('app not built yet: use it inside a test or hook');
      return app;
    },
    get database() {
      return this.testDb.database;
    },
    get testDb() {
      if (!testDb) throw new Error('database not ready yet');
      return testDb;
    },
    config,
  };
}

/** Parses a JSON response body (problem details included). */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}
