import { type Kysely, sql } from 'kysely';
import { MIGRATIONS } from './migrations';

/** A versioned schema change: plain SQL statements, run in order in one transaction. */
export interface Migration {
  /** Sortable, unique, never renamed once released: `0001_core`. */
  name: string;
  statements: readonly string[];
}

/** Any number that is ours; two instances starting together serialise on it. */
const MIGRATION_LOCK_KEY = 7_242_001;

/** Migrations run whatever the typed schema is, so they take an untyped handle. */
// biome-ignore lint/suspicious/noExplicitAny: any typed Kysely is accepted
type AnyDb = Kysely<any>;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies every pending migration, each in its own transaction, under a
 * transaction-scoped advisory lock: when several instances start at once on
 * one PostgreSQL server, one migrates and the others wait, then find nothing
 * left to do. The same code runs on PGlite.
 */
export async function migrate(
  db: AnyDb,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
      await sql`CREATE TABLE IF NOT EXISTS atrium_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(tx);
      const done = await sql<{
        name: string;
      }>`SELECT name FROM atrium_migrations WHERE name = ${migration.name}`.execute(tx);
      if (done.rows.length > 0) return false;
      for (const statement of migration.statements) await sql.raw(statement).execute(tx);
      await sql`INSERT INTO atrium_migrations (name) VALUES (${migration.name})`.execute(tx);
      return true;
    });
    if (ran) applied.push(migration.name);
    else alreadyApplied++;
  }
  return { applied, alreadyApplied };
}

/** Names of migrations not yet applied (for `/readyz`). */
export async function pendingMigrations(
  db: AnyDb,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('atrium_migrations')::text AS t`.execute(
    db,
  );
  if (!exists.rows[0]?.t) return migrations.map((m) => m.name);
  const rows = await sql<{ name: string }>`SELECT name FROM atrium_migrations`.execute(db);
  const done = new Set(rows.rows.map((r) => r.name));
  return migrations.map((m) => m.name).filter((n) => !done.has(n));
}
