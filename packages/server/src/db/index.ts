import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { TenantWriteGuard } from '../command/tracking';
import { PGliteDialect } from './pglite-dialect';
import type { DB } from './schema';

export type { DB } from './schema';

/** int8 (bigint) columns come back as JavaScript numbers on both backends. */
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v));

export type DatabaseKind = 'pglite' | 'postgres';

/** A notification listener; returns a function that stops listening. */
export type Unlisten = () => Promise<void>;

/**
 * The database handle every module uses. The backend (embedded PGlite or a
 * PostgreSQL server) is chosen in one place, `openDatabase()`; nothing else
 * knows which one runs.
 */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  /** LISTEN on a channel: across instances on PostgreSQL, in-process on PGlite. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** `dataDir` undefined = in memory; `loadDataDir` = start from a dump (tests). */
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolSize) : openPGlite(target);
}

async function openPGlite(target: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  const pglite = await PGlite.create({
    dataDir: target.dataDir,
    loadDataDir: target.loadDataDir,
    parsers: { [INT8_OID]: (v: string) => Number(v) },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite), plugins: [new TenantWriteGuard()] });
  return {
    kind: 'pglite',
    db,
    async listen(channel, onPayload) {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new TenantWriteGuard()] });
  const listeners: pg.Client[] = [];
  return {
    kind: 'postgres',
    db,
    async listen(channel, onPayload) {
      // LISTEN needs a connection of its own, outside the pool.
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {})));
      await db.destroy();
    },
  };
}
