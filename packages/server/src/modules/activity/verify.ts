import type { Kysely } from 'kysely';
import { chainKey, entryHash, GENESIS_HASH, GLOBAL_CHAIN, latestCheckpoint } from '../../audit/record';
import { chainSeals, type Seal, type SealKey, sealSignatureValid } from '../../audit/seal';
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
  | 'checkpoint_unattested'
  /** A signed seal records another hash for this seq: the chain was rewritten up to or past it (docs/audit.md "Signed seals"). */
  | 'seal_mismatch'
  /** A signed seal (or the head given with `--head`) is beyond the chain's last entry: the newest entries were deleted. */
  | 'truncated'
  /** A seal's signature does not verify with the configured key: the seal row was forged or altered. */
  | 'seal_forged'
  /** The head given with `--head` (kept elsewhere) has another hash than the chain's entry at that seq. */
  | 'head_mismatch';

/** What verification found of the chain's signed seals. */
export interface SealsReport {
  /** Seals stored for the chain. */
  count: number;
  /** Seals whose signature verifies with the configured key. */
  verified: number;
  /** Seals by another key (a previous or another instance's key): reported, not trusted, not a failure. */
  unverifiable: number;
  /** The newest verified seal. */
  lastSeq: number | null;
  lastSealedAt: string | null;
}

/** How to verify: the configured key's public half, and optionally a head kept outside the database. */
export interface VerifyOptions {
  /** Seals are checked against this key; without one every seal is unverifiable. */
  sealKey?: Pick<SealKey, 'publicKey' | 'keyId'> | null;
  /** The last published head (`atrium audit verify --head <seq>:<hash>`): missing or different is not intact. */
  head?: { seq: number; hash: string } | null;
}

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
  seals: SealsReport;
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
export async function verifyChain(
  db: Kysely<DB>,
  workspaceId: string | null,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const ws = workspaceId?.toLowerCase() ?? null;
  const first = await verifyOnce(db, ws, options);
  if (first.intact) return first;
  // A purge that ran while we walked moves the start of the chain; walk again
  // once from the new checkpoint before calling the chain broken.
  const again = await latestCheckpoint(db, ws);
  if ((again?.seq ?? null) !== (first.checkpoint?.seq ?? null)) return verifyOnce(db, ws, options);
  return first;
}

/**
 * The chain's seals, signatures checked (docs/audit.md "Signed seals"): the
 * verified ones by seq, the first forged one, and the counts for the report.
 * A seal by another key id is unverifiable, not forged: it may be a previous key's.
 */
async function checkSeals(db: Kysely<DB>, ws: string | null, key: VerifyOptions['sealKey']) {
  const seals = await chainSeals(db, ws);
  const verified = new Map<number, Seal>();
  let forged: Seal | null = null;
  let unverifiable = 0;
  let newest: Seal | null = null;
  for (const seal of seals) {
    if (!key || seal.keyId !== key.keyId) {
      unverifiable++;
    } else if (sealSignatureValid(key, seal)) {
      verified.set(seal.seq, seal);
      newest = seal;
    } else {
      forged ??= seal;
    }
  }
  const report: SealsReport = {
    count: seals.length,
    verified: verified.size,
    unverifiable,
    lastSeq: newest?.seq ?? null,
    lastSealedAt: newest?.createdAt.toISOString() ?? null,
  };
  return { verified, forged, newest, report };
}

async function verifyOnce(db: Kysely<DB>, ws: string | null, options: VerifyOptions): Promise<VerifyReport> {
  const checkpoint = await latestCheckpoint(db, ws);
  const seals = await checkSeals(db, ws, options.sealKey);
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
    seals: seals.report,
  };
  const fail = (seq: number, id: string | null, reason: ChainFault, detail: string) => {
    report.intact = false;
    report.firstBad = { seq, id, reason, detail };
    return report;
  };

  if (seals.forged) {
    return fail(
      seals.forged.seq,
      null,
      'seal_forged',
      `the seal of seq ${seals.forged.seq} (seal ${seals.forged.id}) does not verify with key ${seals.forged.keyId}`,
    );
  }
  // The checkpoint is the last purged entry's seq and hash: a seal there must agree with it.
  const sealedAtCheckpoint = checkpoint ? seals.verified.get(checkpoint.seq) : undefined;
  if (checkpoint && sealedAtCheckpoint && sealedAtCheckpoint.hash !== checkpoint.hash) {
    return fail(
      checkpoint.seq,
      null,
      'seal_mismatch',
      `the purge checkpoint at seq ${checkpoint.seq} differs from its seal`,
    );
  }

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
      const sealed = seals.verified.get(seq);
      if (sealed && sealed.hash !== row.hash) {
        return fail(
          seq,
          id,
          'seal_mismatch',
          `seq ${seq} was sealed with another hash on ${sealed.createdAt.toISOString()}: the chain was rewritten`,
        );
      }
      if (options.head && options.head.seq === seq && options.head.hash !== row.hash) {
        return fail(seq, id, 'head_mismatch', `seq ${seq} does not have the hash of the head kept elsewhere`);
      }
      report.checked++;
      report.lastSeq = seq;
      report.lastHash = row.hash;
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < PAGE) break;
  }

  // Where the chain ends now: its last entry, or the checkpoint when a purge removed every entry.
  const end = report.lastSeq ?? checkpoint?.seq ?? 0;
  if (seals.newest && seals.newest.seq > end) {
    const missing = seals.newest.seq - end;
    return fail(
      seals.newest.seq,
      null,
      'truncated',
      `seq ${seals.newest.seq} was sealed but the chain ends at seq ${end}: the newest ${missing} entr${missing === 1 ? 'y was' : 'ies were'} deleted`,
    );
  }
  const head = options.head;
  if (head) {
    if (head.seq > end) {
      return fail(
        head.seq,
        null,
        'truncated',
        `the head kept elsewhere is seq ${head.seq}, but the chain ends at seq ${end}`,
      );
    }
    if (checkpoint && head.seq === checkpoint.seq && head.hash !== checkpoint.hash) {
      return fail(
        head.seq,
        null,
        'head_mismatch',
        `the purge checkpoint at seq ${head.seq} differs from the head kept elsewhere`,
      );
    }
  }
  return report;
}
