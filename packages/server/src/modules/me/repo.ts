import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema';

/** The signed-in user's own rows beyond the account (auth/repo.ts holds users and email links). */

type Db = Kysely<DB> | Transaction<DB>;

/** The user's live sessions (not revoked, not expired, not idle past the cut-off), newest first. */
export function findLiveSessions(db: Db, userId: string, idleCutoff: Date) {
  return db
    .selectFrom('sessions')
    .select(['id', 'method', 'ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .where('last_seen_at', '>', idleCutoff)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Verification emails the user asked for in the last hour (their
 * `auth.verification_email_sent` entries in the global chain), with the
 * oldest one's time.
 */
export async function recentVerificationEmails(
  tx: Transaction<DB>,
  userId: string,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await tx
    .selectFrom('activity_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('workspace_id', 'is', null)
    .where('action', '=', 'auth.verification_email_sent')
    .where('target_id', '=', userId)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string) : null };
}

/** Locks the user's row for the rest of the transaction (serialises per-account counts). */
export async function lockUser(tx: Transaction<DB>, userId: string): Promise<void> {
  await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
}
