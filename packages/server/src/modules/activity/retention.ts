import { type Kysely, sql } from 'kysely';
import {
  chainKey,
  latestCheckpoint,
  lockChain,
  type RequestOrigin,
  recordActivity,
} from '../../audit/record';
import type { Actor } from '../../auth/principal';
import type { DB } from '../../db/schema';

const DAY_MS = 86_400_000;

/** The retention period of a workspace's activity log, in days; null keeps everything. */
export async function getRetention(db: Kysely<DB>, workspaceId: string): Promise<number | null> {
  const row = await db
    .selectFrom('activity_settings')
    .select('retention_days')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.retention_days ?? null;
}

/**
 * Sets the retention period (null = keep forever), in one transaction with
 * its `activity.retention_updated` entry. Returns the period now in force.
 */
export async function setRetention(
  db: Kysely<DB>,
  input: { workspaceId: string; days: number | null; actor: Actor; origin: RequestOrigin },
): Promise<{ retentionDays: number | null }> {
  return db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('activity_settings')
      .select('retention_days')
      .where('workspace_id', '=', input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    await tx
      .insertInto('activity_settings')
      .values({ workspace_id: input.workspaceId, retention_days: input.days })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ retention_days: input.days, updated_at: sql`now()` }),
      )
      .execute();
    await recordActivity(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'activity.retention_updated',
      target: { type: 'workspace', id: input.workspaceId },
      before: { retentionDays: current?.retention_days ?? null },
      after: { retentionDays: input.days },
      origin: input.origin,
    });
    return { retentionDays: input.days };
  });
}

/** What a purge did. */
export interface PurgeResult {
  workspaceId: string;
  retentionDays: number | null;
  /** Entries deleted. */
  purged: number;
  /** Entries created before this were eligible; null when no retention is set. */
  cutoff: string | null;
  /** Where the chain now starts (the last purged entry); null when nothing was purged. */
  checkpoint: { seq: number; hash: string } | null;
}

/**
 * Deletes a workspace's entries older than its retention period while
 * keeping the rest verifiable (SPEC §5, issue 6 "Retention"). In one
 * transaction, holding the chain's append lock:
 *
 * 1. finds the longest prefix of the chain whose entries are all older than
 *    the cut-off (a prefix, so the chain stays one unbroken run);
 * 2. records a checkpoint: the seq and hash of the last entry of that prefix;
 * 3. deletes the prefix with `atrium.purge` set for this transaction only; the
 *    append-only trigger lets a DELETE through only then, and only for rows a
 *    checkpoint covers (migration 0004);
 * 4. appends an `activity.purged` entry naming the checkpoint, which the
 *    verifier requires, so a checkpoint forged without it is detected.
 *
 * With `recordWhenEmpty` (the HTTP route, which must always leave its entry)
 * a purge that deletes nothing is recorded too; the periodic job passes false
 * so an idle workspace does not fill its log with empty purges.
 */
export async function purgeWorkspace(
  db: Kysely<DB>,
  input: {
    workspaceId: string;
    actor: Actor;
    origin?: RequestOrigin;
    now?: Date;
    recordWhenEmpty: boolean;
  },
): Promise<PurgeResult> {
  const ws = input.workspaceId.toLowerCase();
  return db.transaction().execute(async (tx) => {
    await lockChain(tx, ws);
    const days = await getRetention(tx, ws);
    const result: PurgeResult = {
      workspaceId: ws,
      retentionDays: days,
      purged: 0,
      cutoff: null,
      checkpoint: null,
    };
    const record = async () => {
      if (result.purged === 0 && !input.recordWhenEmpty) return;
      await recordActivity(tx, {
        workspaceId: ws,
        actor: input.actor,
        action: 'activity.purged',
        target: { type: 'workspace', id: ws },
        after: {
          purged: result.purged,
          retentionDays: days,
          cutoff: result.cutoff,
          throughSeq: result.checkpoint?.seq ?? null,
          checkpointHash: result.checkpoint?.hash ?? null,
        },
        origin: input.origin,
      });
    };
    if (days === null) {
      await record();
      return result;
    }
    const cutoff = new Date((input.now ?? new Date()).getTime() - days * DAY_MS);
    result.cutoff = cutoff.toISOString();

    // The newest entry older than the cut-off bounds the prefix…
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
    // …unless a younger entry sits inside it (clocks of two instances may
    // disagree by a little): the prefix then ends just before that entry.
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
    const previous = await latestCheckpoint(tx, ws);
    if (through <= (previous?.seq ?? 0)) {
      await record();
      return result;
    }
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
    result.purged = Number(deleted.numDeletedRows);
    result.checkpoint = { seq: through, hash: last.hash };
    await record();
    return result;
  });
}

/**
 * Purges every workspace that has a retention period (the periodic job;
 * also `atrium audit purge`). One workspace failing does not stop the others.
 */
export async function purgeAll(
  db: Kysely<DB>,
  actor: Actor,
  onError: (workspaceId: string, err: unknown) => void,
): Promise<PurgeResult[]> {
  const rows = await db
    .selectFrom('activity_settings')
    .select('workspace_id')
    .where('retention_days', 'is not', null)
    .execute();
  const out: PurgeResult[] = [];
  for (const { workspace_id } of rows) {
    try {
      out.push(await purgeWorkspace(db, { workspaceId: workspace_id, actor, recordWhenEmpty: false }));
    } catch (err) {
      onError(workspace_id, err);
    }
  }
  return out;
}
