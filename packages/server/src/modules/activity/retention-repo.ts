import { type Kysely, sql, type Transaction } from 'kysely';
import { chainKey } from '../../audit/record';
import type { DB } from '../../db/schema';

/**
 * The SQL of retention and purge (activity/retention.ts, activity/commands.ts).
 * Deleting from `activity_log` is the log's own internals: the append-only
 * trigger lets it through only with `atrium.purge` on and a checkpoint
 * covering the rows (migration 0004).
 */

type Db = Kysely<DB> | Transaction<DB>;

/** The retention period of a workspace's activity log, in days; null keeps everything. */
export async function findRetention(db: Db, workspaceId: string, lock = false): Promise<number | null> {
  let q = db.selectFrom('activity_settings').select('retention_days').where('workspace_id', '=', workspaceId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row?.retention_days ?? null;
}

export async function upsertRetention(tx: Db, workspaceId: string, days: number | null): Promise<void> {
  await tx
    .insertInto('activity_settings')
    .values({ workspace_id: workspaceId, retention_days: days })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ retention_days: days, updated_at: sql`now()` }),
    )
    .execute();
}

/** Workspaces with a retention period (the periodic purge walks them). */
export async function workspacesWithRetention(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('activity_settings')
    .select('workspace_id')
    .where('retention_days', 'is not', null)
    .execute();
  return rows.map((r) => r.workspace_id);
}

/**
 * The seq of the last entry of the chain's longest prefix whose entries are
 * all older than `cutoff` (0 when none): the newest old entry bounds it,
 * unless a younger entry sits inside (clocks of two instances may disagree
 * by a little) — the prefix then ends just before that entry.
 */
export async function purgeablePrefix(tx: Db, ws: string, cutoff: Date): Promise<number> {
  const newestOld = await tx
    .selectFrom('activity_log')
    .select('seq')
    .where('workspace_id', '=', ws)
    .where('created_at', '<', cutoff)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let through = newestOld ? Number(newestOld.seq) : 0;
  if (through > 0) {
    const younger = await tx
      .selectFrom('activity_log')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where(chainKey(), '=', ws)
      .where('seq', '<=', through)
      .where('created_at', '>=', cutoff)
      .executeTakeFirst();
    if (younger?.seq != null) through = Number(younger.seq) - 1;
  }
  return through;
}

/**
 * Records the checkpoint at `through` and deletes the chain's entries up to
 * it; returns the checkpoint hash and how many entries went.
 */
export async function deletePrefix(
  tx: Db,
  ws: string,
  through: number,
): Promise<{ hash: string; purged: number }> {
  const last = await tx
    .selectFrom('activity_log')
    .select(['hash'])
    .where(chainKey(), '=', ws)
    .where('seq', '=', through)
    .executeTakeFirstOrThrow();
  const count = await tx
    .selectFrom('activity_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(chainKey(), '=', ws)
    .where('seq', '<=', through)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('activity_checkpoints')
    .values({ workspace_id: ws, seq: through, hash: last.hash, purged_count: Number(count.n) })
    .execute();
  await sql`SELECT set_config('atrium.purge', 'on', true)`.execute(tx);
  const deleted = await tx
    .deleteFrom('activity_log')
    .where(chainKey(), '=', ws)
    .where('seq', '<=', through)
    .executeTakeFirst();
  await sql`SELECT set_config('atrium.purge', 'off', true)`.execute(tx);
  return { hash: last.hash, purged: Number(deleted.numDeletedRows) };
}
