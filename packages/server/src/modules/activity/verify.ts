import type { Kysely } from 'kysely';
import { chainKey, entryHash, GENESIS_HASH, GLOBAL_CHAIN, latestCheckpoint } from '../../audit/record';
import type { DB } from '../../db/schema';

/** Why an entry breaks the chain. */
export type ChainFault =
  /** The entry's stored hash is not the hash of its own content: it was edited. */
  | 'hash_mismatch'
  /** `prev_hash` is not the previous entry's hash: an entry before it was edited or replaced. */
  | 'broken_link'
  /** A seq is missing (an entry was deleted) or the chain does not start where it should. */
  | 'gap'
  /** The purge checkpoint the chain starts from is not attested by an `activity.purged` entry. */
  | 'checkpoint_unattested';

/** The answer of `GET …/activity/verify` and `atrium audit verify`. */
export interface VerifyReport {
  /** The chain: a workspace id, or null for account-level events. */
  workspaceId: string | null;
  intact: boolean;
  /** Entries checked. */
  checked: number;
  /** Where verification started: after the purge checkpoint, or at 1. */
  firstSeq: number | null;
  lastSeq: number | null;
  /** The newest entry's hash: keep it elsewhere to detect later truncation of the tail. */
  lastHash: string | null;
  checkpoint: { seq: number; hash: string; purgedCount: number; createdAt: string } | null;
  /** The first entry that does not verify; null when intact. */
  firstBad: { seq: number; id: string | null; reason: ChainFault; detail: string } | null;
}

const PAGE = 2000;

/**
 * Walks one chain in seq order and checks every link (docs/rules.md §5,
 * tamper-evident): each entry's seq follows the previous one, its
 * `prev_hash` is the previous entry's hash, and its hash is the SHA-256 of
 * that hash and its own canonical content. After a purge the walk starts
 * from the checkpoint (seq and hash of the last purged entry), which must
 * itself be attested by the `activity.purged` entry the purge wrote.
 *
 * Reads in keyset pages of 2,000 by seq, so memory stays flat on any size.
 *
 * @example
 * ```ts
 * const report = await verifyChain(app.db, workspaceId);
 * if (!report.intact) console.log(report.firstBad); // { seq: 42, id: '1234', reason: 'hash_mismatch', … }
 * ```
 */
export async function verifyChain(db: Kysely<DB>, workspaceId: string | null): Promise<VerifyReport> {
  const ws = workspaceId?.toLowerCase() ?? null;
  const first = await verifyOnce(db, ws);
  if (first.intact) return first;
  // A purge that ran while we walked moves the start of the chain; walk again
  // once from the new checkpoint before calling the chain broken.
  const again = await latestCheckpoint(db, ws);
  if ((again?.seq ?? null) !== (first.checkpoint?.seq ?? null)) return verifyOnce(db, ws);
  return first;
}

async function verifyOnce(db: Kysely<DB>, ws: string | null): Promise<VerifyReport> {
  const checkpoint = await latestCheckpoint(db, ws);
  const report: VerifyReport = {
    workspaceId: ws,
    intact: true,
    checked: 0,
    firstSeq: null,
    lastSeq: null,
    lastHash: null,
    checkpoint: checkpoint
      ? {
          seq: checkpoint.seq,
          hash: checkpoint.hash,
          purgedCount: checkpoint.purgedCount,
          createdAt: checkpoint.createdAt.toISOString(),
        }
      : null,
    firstBad: null,
  };
  const fail = (seq: number, id: string | null, reason: ChainFault, detail: string) => {
    report.intact = false;
    report.firstBad = { seq, id, reason, detail };
    return report;
  };

  if (checkpoint) {
    const attestation = await db
      .selectFrom('activity_log')
      .select(['after'])
      .where(chainKey(), '=', ws ?? GLOBAL_CHAIN)
      .where('action', '=', 'activity.purged')
      .where('seq', '>', checkpoint.seq)
      .orderBy('seq', 'asc')
      .limit(1)
      .executeTakeFirst();
    const after = (attestation?.after ?? null) as { throughSeq?: unknown; checkpointHash?: unknown } | null;
    if (after?.throughSeq !== checkpoint.seq || after?.checkpointHash !== checkpoint.hash) {
      return fail(
        checkpoint.seq,
        null,
        'checkpoint_unattested',
        `no activity.purged entry records the checkpoint at seq ${checkpoint.seq}`,
      );
    }
  }

  let expectedSeq = (checkpoint?.seq ?? 0) + 1;
  let prevHash = checkpoint?.hash ?? GENESIS_HASH;
  for (;;) {
    const rows = await db
      .selectFrom('activity_log')
      .selectAll()
      .where(chainKey(), '=', ws ?? GLOBAL_CHAIN)
      // `>= expectedSeq` (not `>`): rows a purge left behind before the checkpoint must not be skipped.
      .where('seq', '>=', report.checked === 0 ? 0 : expectedSeq)
      .orderBy(chainKey())
      .orderBy('seq', 'asc')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const id = String(row.id);
      if (report.firstSeq === null) report.firstSeq = seq;
      if (seq !== expectedSeq) {
        return fail(
          seq,
          id,
          'gap',
          seq > expectedSeq
            ? `expected seq ${expectedSeq}, found ${seq}: ${seq - expectedSeq} entr${seq - expectedSeq === 1 ? 'y is' : 'ies are'} missing`
            : `seq ${seq} precedes the checkpoint at seq ${expectedSeq - 1}`,
        );
      }
      if (row.prev_hash !== prevHash) {
        return fail(seq, id, 'broken_link', `prev_hash does not match the hash of seq ${seq - 1}`);
      }
      const computed = entryHash(prevHash, {
        workspace_id: row.workspace_id,
        seq,
        actor_type: row.actor_type,
        actor_id: row.actor_id,
        actor_name: row.actor_name,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        agent_id: row.agent_id,
        before: row.before,
        after: row.after,
        ip: row.ip,
        user_agent: row.user_agent,
        request_id: row.request_id,
        created_at: row.created_at,
      });
      if (computed !== row.hash) {
        return fail(seq, id, 'hash_mismatch', `the content of seq ${seq} does not match its hash`);
      }
      report.checked++;
      report.lastSeq = seq;
      report.lastHash = row.hash;
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < PAGE) break;
  }
  return report;
}
