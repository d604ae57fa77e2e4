import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { notFound } from '../errors';

/** PostgreSQL channel on which every instance hears `<workspaceId>:<revision>`. */
export const REVISION_CHANNEL = 'atrium_revision';

/**
 * Bumps the workspace's revision inside the transaction of an access change
 * and announces it (NOTIFY is delivered when the transaction commits, so no
 * instance hears of a change that rolled back). Returns the new revision,
 * which the write returns to its caller (docs/rules.md §3, "Changes take effect
 * immediately").
 */
export async function bumpRevision(
  tx: Transaction<DB>,
  workspaceId: string,
  deletedAfter?: number,
): Promise<number> {
  const row = await tx
    .updateTable('workspaces')
    .set({ revision: sql`revision + 1`, updated_at: sql`now()` })
    .where('id', '=', workspaceId)
    .returning('revision')
    .executeTakeFirst();
  if (!row && deletedAfter === undefined) throw notFound('workspace');
  // A workspace deleted in this transaction (`deletedAfter`: its revision
  // before) is announced one revision on, so every instance drops its state.
  const revision = row ? Number(row.revision) : (deletedAfter as number) + 1;
  await sql`SELECT pg_notify(${REVISION_CHANNEL}, ${`${workspaceId}:${revision}`})`.execute(tx);
  return revision;
}
