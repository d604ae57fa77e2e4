import { type Kysely, sql, type Transaction, type UpdateObject } from 'kysely';
import type { DB, User } from '../../db/schema';

/**
 * Every SQL statement of the account module (users, email links, sign-in
 * failure counters, sessions, SSO flows and identities). Account tables carry
 * no `workspace_id`: these are global rows (docs/architecture.md).
 */

type Db = Kysely<DB> | Transaction<DB>;

export function findUserById(db: Db, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function insertUser(
  tx: Db,
  values: {
    email: string;
    name: string;
    passwordHash: string | null;
    emailVerifiedAt?: Date | null;
  },
): Promise<User> {
  return tx
    .insertInto('users')
    .values({
      email: values.email,
      name: values.name,
      password_hash: values.passwordHash,
      avatar_url: null,
      ...(values.emailVerifiedAt ? { email_verified_at: values.emailVerifiedAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Changes account columns (and `updated_at`); returns the row after. */
export function updateUser(
  tx: Db,
  userId: string,
  set: Pick<UpdateObject<DB, 'users'>, 'name' | 'avatar_url' | 'password_hash' | 'email_verified_at'>,
): Promise<User> {
  return tx
    .updateTable('users')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markVerifiedNow(tx: Db, userId: string, dropPassword = false): Promise<User> {
  return updateUser(tx, userId, {
    email_verified_at: sql<Date>`now()`,
    ...(dropPassword ? { password_hash: null } : {}),
  });
}

export async function touchLastActive(tx: Db, userId: string): Promise<void> {
  await tx.updateTable('users').set({ last_active_at: sql`now()` }).where('id', '=', userId).execute();
}

// ── Email links ───────────────────────────────────────────────────────────

/** Housekeeping: the user's link tokens that expired over a day ago. */
export async function dropStaleTokens(tx: Db, userId: string): Promise<void> {
  await tx
    .deleteFrom('email_tokens')
    .where('user_id', '=', userId)
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}

export async function insertEmailToken(
  tx: Db,
  values: {
    userId: string;
    purpose: 'verify_email' | 'reset_password';
    tokenHash: string;
    email: string;
    expiresAt: Date;
  },
): Promise<string> {
  const row = await tx
    .insertInto('email_tokens')
    .values({
      user_id: values.userId,
      purpose: values.purpose,
      token_hash: values.tokenHash,
      email: values.email,
      expires_at: values.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The link row for a token hash and purpose, locked until the transaction ends. */
export function lockEmailToken(tx: Db, purpose: 'verify_email' | 'reset_password', tokenHash: string) {
  return tx
    .selectFrom('email_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
}

export async function markTokenUsed(tx: Db, tokenId: string): Promise<void> {
  await tx.updateTable('email_tokens').set({ used_at: sql`now()` }).where('id', '=', tokenId).execute();
}

/** Kills every unused reset link of the user. */
export async function useUpResetTokens(tx: Db, userId: string): Promise<void> {
  await tx
    .updateTable('email_tokens')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .execute();
}

// ── Failed sign-ins ───────────────────────────────────────────────────────

export function findSignInFailures(db: Db, email: string) {
  return db
    .selectFrom('sign_in_failures')
    .select(['failures', 'window_started_at'])
    .where('email', '=', email)
    .executeTakeFirst();
}

/** Counts one failure in the address's window (a new window when the last one ended). */
export async function countSignInFailure(tx: Db, email: string, windowMs: number): Promise<void> {
  await sql`
    INSERT INTO sign_in_failures (email, failures, window_started_at) VALUES (${email}, 1, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN sign_in_failures.window_started_at + make_interval(secs => ${windowMs / 1000}) <= now()
                      THEN 1 ELSE sign_in_failures.failures + 1 END,
      window_started_at = CASE WHEN sign_in_failures.window_started_at + make_interval(secs => ${windowMs / 1000}) <= now()
                      THEN now() ELSE sign_in_failures.window_started_at END
  `.execute(tx);
  // Stale counters (unknown emails never succeed, so nothing else clears them).
  await sql`DELETE FROM sign_in_failures WHERE window_started_at < now() - interval '1 day'`.execute(tx);
}

export async function clearSignInFailures(tx: Db, email: string): Promise<void> {
  await tx.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}

// ── Sessions ──────────────────────────────────────────────────────────────

/** Ends one session when it is live and (when given) belongs to `userId`; returns whether it did. */
export async function revokeSessionRow(tx: Db, sessionId: string, userId?: string): Promise<boolean> {
  let q = tx
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  const row = await q.returning('id').executeTakeFirst();
  return Boolean(row);
}

// ── SSO ───────────────────────────────────────────────────────────────────

export async function insertSsoFlow(
  tx: Db,
  values: {
    stateHash: string;
    codeVerifier: string;
    nonce: string;
    returnTo: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await tx.deleteFrom('sso_flows').where('expires_at', '<', new Date()).execute();
  await tx
    .insertInto('sso_flows')
    .values({
      state_hash: values.stateHash,
      code_verifier: values.codeVerifier,
      nonce: values.nonce,
      return_to: values.returnTo,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** Deletes and returns the flow of a state hash (single use). */
export function takeSsoFlow(tx: Db, stateHash: string) {
  return tx.deleteFrom('sso_flows').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
}

/** The account an (issuer, subject) identity is linked to. */
export function findLinkedUser(tx: Db, issuer: string, subject: string): Promise<User | undefined> {
  return tx
    .selectFrom('oidc_identities')
    .innerJoin('users', 'users.id', 'oidc_identities.user_id')
    .selectAll('users')
    .where('oidc_identities.issuer', '=', issuer)
    .where('oidc_identities.subject', '=', subject)
    .executeTakeFirst();
}

export async function touchIdentity(tx: Db, issuer: string, subject: string, email: string): Promise<void> {
  await tx
    .updateTable('oidc_identities')
    .set({ last_sign_in_at: sql`now()`, email })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();
}

export async function insertIdentity(
  tx: Db,
  values: { issuer: string; subject: string; userId: string; email: string },
): Promise<void> {
  await tx
    .insertInto('oidc_identities')
    .values({ issuer: values.issuer, subject: values.subject, user_id: values.userId, email: values.email })
    .execute();
}
