import type { Kysely, Transaction } from 'kysely';
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
