import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../../auth/principal';
import type { DB } from '../../db/schema';

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

/**
 * Appends one entry to the activity log. Call it inside the transaction of
 * the change it records, so the entry exists exactly when the change
 * committed. Entries of one workspace form a hash chain; appends to a chain
 * are serialised with a transaction-scoped advisory lock.
 */
export async function recordActivity(tx: Transaction<DB> | Kysely<DB>, input: ActivityInput): Promise<void> {
  const chainKey = `activity:${input.workspaceId ?? 'global'}`;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${chainKey}))`.execute(tx);
  const last = await tx
    .selectFrom('activity_log')
    .select(['seq', 'hash'])
    .where((eb) =>
      input.workspaceId === null
        ? eb('workspace_id', 'is', null)
        : eb('workspace_id', '=', input.workspaceId),
    )
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const origin = input.origin ?? NO_ORIGIN;
  const fields: ChainedFields = {
    workspace_id: input.workspaceId,
    seq: (last?.seq ?? 0) + 1,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    actor_name: input.actor.name,
    action: input.action,
    target_type: input.target?.type ?? null,
    target_id: input.target?.id ?? null,
    agent_id: input.agentId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    ip: origin.ip,
    user_agent: origin.userAgent,
    request_id: origin.requestId,
    created_at: new Date(),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
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
