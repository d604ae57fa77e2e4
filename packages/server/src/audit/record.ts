import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../auth/principal';
import type { DB } from '../db/schema';

/** Where a request came from, for the activity log. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const NO_ORIGIN: RequestOrigin = { ip: null, userAgent: null, requestId: null };

/** One thing that happened. Actions are dotted names listed in docs/activity.md. */
export interface ActivityInput {
  workspaceId: string | null;
  actor: Actor;
  action: string;
  target?: { type: string; id: string } | null;
  agentId?: string | null;
  before?: unknown;
  after?: unknown;
  origin?: RequestOrigin;
}

/** The hash that precedes the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: jsonb reorders keys, so the hash must not depend on order. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields an entry's hash covers, in their canonical form. */
export interface ChainedFields {
  workspace_id: string | null;
  seq: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  agent_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: Date;
}

/** SHA-256 over the previous entry's hash and this entry's canonical form. */
export function entryHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson({ ...fields, created_at: fields.created_at.toISOString() }))
    .digest('hex');
}

/** The nil uuid stands for the global chain (workspace_id null) in chain-keyed indexes. */
export const GLOBAL_CHAIN = '00000000-0000-0000-0000-000000000000';

/**
 * Keys whose values never belong in the log (docs/rules.md §5 and CONTRIBUTING
 * "Secrets"): compared lower-cased with `_` and `-` removed. A module that
 * passes a whole row by mistake still does not leak a secret or its hash.
 */
const SECRET_KEYS = new Set([
  'password',
  'passwordhash',
  'newpassword',
  'currentpassword',
  'secret',
  'secrethash',
  'clientsecret',
  'token',
  'tokenhash',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'csrftoken',
  'codeverifier',
  'statehash',
  'providertoken',
  'cardnumber',
  'cvc',
]);

export const REDACTED = '[redacted]';

/**
 * A JSON-safe copy of `value` with secret-named keys redacted. Round-tripping
 * through JSON makes the hashed form exactly what jsonb stores and returns
 * (Dates become ISO strings, undefined members vanish), so verification
 * recomputes the same hash from the stored row.
 */
export function sanitizeForLog(value: unknown): unknown {
  if (value === undefined) return null;
  const plain = JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) {
        out[k] = SECRET_KEYS.has(k.toLowerCase().replace(/[_-]/g, '')) ? REDACTED : walk(inner);
      }
      return out;
    }
    return v;
  };
  return walk(plain);
}

/** PostgreSQL returns uuids lower-cased; hash them the way they will be read back. */
function uuidOrNull(id: string | null | undefined): string | null {
  return id ? id.toLowerCase() : null;
}

/**
 * The expression the chain indexes are built on (migrations 0001 and 0004):
 * queries that walk a chain by seq use it so PostgreSQL uses those indexes.
 */
export function chainKey() {
  return sql<string>`coalesce(workspace_id, ${sql.lit(GLOBAL_CHAIN)}::uuid)`;
}

/**
 * The last link of a chain: its newest entry, or, when a purge removed every
 * entry, the checkpoint it left (docs/rules.md §5, retention keeps the rest verifiable).
 */
export async function chainHead(
  tx: Transaction<DB> | Kysely<DB>,
  workspaceId: string | null,
): Promise<{ seq: number; hash: string }> {
  // Written against the chain's unique index expression so this is one
  // backward index step, not a scan of the workspace's entries.
  const last = await tx
    .selectFrom('activity_log')
    .select(['seq', 'hash'])
    .where(chainKey(), '=', workspaceId ?? GLOBAL_CHAIN)
    .orderBy(chainKey(), 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last) return { seq: Number(last.seq), hash: last.hash };
  const checkpoint = await latestCheckpoint(tx, workspaceId);
  return checkpoint ? { seq: checkpoint.seq, hash: checkpoint.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The newest purge checkpoint of a chain, if it was ever purged. */
export async function latestCheckpoint(
  tx: Transaction<DB> | Kysely<DB>,
  workspaceId: string | null,
): Promise<{ id: number; seq: number; hash: string; purgedCount: number; createdAt: Date } | null> {
  const row = await tx
    .selectFrom('activity_checkpoints')
    .select(['id', 'seq', 'hash', 'purged_count', 'created_at'])
    .where(chainKey(), '=', workspaceId ?? GLOBAL_CHAIN)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: Number(row.id),
    seq: Number(row.seq),
    hash: row.hash,
    purgedCount: Number(row.purged_count),
    createdAt: row.created_at,
  };
}

/** Serialises appends (and purges) on one chain until the transaction ends. */
export async function lockChain(tx: Transaction<DB> | Kysely<DB>, workspaceId: string | null): Promise<void> {
  const key = `activity:${workspaceId ?? 'global'}`;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
}

/**
 * Appends one entry to the activity log. Call it inside the transaction of
 * the change it records, so the entry exists exactly when the change
 * committed. Entries of one workspace form a hash chain; appends to a chain
 * are serialised with a transaction-scoped advisory lock.
 *
 * `before`/`after` are stored as JSON with secret-named keys redacted; for
 * permission changes pass the per-item difference from `permissionDiff()`.
 *
 * @example
 * ```ts
 * await db.transaction().execute(async (tx) => {
 *   // … the change …
 *   await recordActivity(tx, { workspaceId, actor: actorOf(req.principal), action: 'member.role_changed',
 *     target: { type: 'user', id: userId }, before: { role: 'member' }, after: { role: 'admin' },
 *     origin: originOf(req) });
 * });
 * ```
 */
export async function recordActivity(tx: Transaction<DB> | Kysely<DB>, input: ActivityInput): Promise<void> {
  const workspaceId = uuidOrNull(input.workspaceId);
  await lockChain(tx, workspaceId);
  const head = await chainHead(tx, workspaceId);
  const origin = input.origin ?? NO_ORIGIN;
  const fields: ChainedFields = {
    workspace_id: workspaceId,
    seq: head.seq + 1,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    actor_name: input.actor.name,
    action: input.action,
    target_type: input.target?.type ?? null,
    target_id: input.target?.id ?? null,
    agent_id: uuidOrNull(input.agentId),
    before: sanitizeForLog(input.before),
    after: sanitizeForLog(input.after),
    ip: origin.ip,
    user_agent: origin.userAgent,
    request_id: origin.requestId,
    created_at: new Date(),
  };
  const prevHash = head.hash;
  await tx
    .insertInto('activity_log')
    .values({
      ...fields,
      actor_type: input.actor.type,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      prev_hash: prevHash,
      hash: entryHash(prevHash, fields),
    })
    .execute();
}

export { type PermissionDiff, permissionDiff } from './diff';
