import { type Kysely, sql, type Transaction } from 'kysely';
import { type RequestOrigin, recordActivity } from '../../audit/record';
import { normalizeEmail } from '../../auth/email';
import { hashPassword, verifyPassword } from '../../auth/password';
import { passwordProblem } from '../../auth/password-policy';
import { type Actor, SYSTEM_ACTOR } from '../../auth/principal';
import { createSession, revokeUserSessions } from '../../auth/sessions';
import { csrfTokenFor, randomToken, sha256 } from '../../auth/tokens';
import type { Config } from '../../config';
import type { DB, User } from '../../db/schema';
import { problem, validationFailed } from '../../errors';
import { enqueueEmail } from '../../mail/outbox';
import { passwordChangedTemplate, resetPasswordTemplate, verifyEmailTemplate } from '../../mail/templates';

export const VERIFY_EMAIL_TTL_HOURS = 24;
export const RESET_PASSWORD_TTL_MINUTES = 60;

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

/** 400 validation_failed naming `/body/<field>`. */
function invalid(field: string, message: string) {
  return validationFailed([{ path: `/body/${field}`, message }], `${field} ${message}`);
}

/** The normalised email, or 400 naming the field. */
export function requireEmail(raw: string, field = 'email'): string {
  const email = normalizeEmail(raw);
  if (!email) throw invalid(field, 'is not a valid email address');
  return email;
}

/** Refuses a weak new password with 400 naming the field. */
export function requireGoodPassword(password: string, field = 'password'): void {
  const issue = passwordProblem(password);
  if (issue) throw invalid(field, issue);
}

function userActor(u: Pick<User, 'id' | 'name' | 'email'>): Actor {
  return { type: 'user', id: u.id, name: u.name || u.email };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

export interface SignedInResult {
  user: User;
  sessionId: string;
  token: string;
  expiresAt: Date;
  csrfToken: string;
}

async function startSession(
  tx: Tx,
  config: Config,
  user: User,
  origin: RequestOrigin,
  method: 'password' | 'sso',
): Promise<SignedInResult> {
  const session = await createSession(tx, config, {
    userId: user.id,
    ip: origin.ip,
    userAgent: origin.userAgent,
    method,
  });
  await tx.updateTable('users').set({ last_active_at: sql`now()` }).where('id', '=', user.id).execute();
  await recordActivity(tx, {
    workspaceId: null,
    actor: userActor(user),
    action: 'auth.signed_in',
    target: { type: 'session', id: session.id },
    after: { method },
    origin,
  });
  return {
    user,
    sessionId: session.id,
    token: session.token,
    expiresAt: session.expiresAt,
    csrfToken: csrfTokenFor(session.token),
  };
}

/** Housekeeping: the user's link tokens that expired over a day ago are deleted when a new one is made. */
async function dropStaleTokens(tx: Tx, userId: string): Promise<void> {
  await tx
    .deleteFrom('email_tokens')
    .where('user_id', '=', userId)
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}

/** Queues a verification link for the user's current email (in the caller's transaction). */
export async function sendVerification(
  tx: Tx,
  config: Config,
  user: Pick<User, 'id' | 'email' | 'name'>,
): Promise<void> {
  await dropStaleTokens(tx, user.id);
  const token = randomToken();
  const row = await tx
    .insertInto('email_tokens')
    .values({
      user_id: user.id,
      purpose: 'verify_email',
      token_hash: sha256(token),
      email: user.email,
      expires_at: new Date(Date.now() + VERIFY_EMAIL_TTL_HOURS * 3_600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const url = `${config.publicUrl}/v1/auth/verify-email?token=${encodeURIComponent(token)}`;
  await enqueueEmail(tx, {
    to: user.email,
    ...verifyEmailTemplate({ name: user.name, url, expiresInHours: VERIFY_EMAIL_TTL_HOURS }),
    idempotencyKey: `verify_email:${row.id}`,
  });
}

/**
 * Creates an account with email and password, queues the verification link
 * and signs the new user in, all in one transaction. 409 `email_taken` when
 * the (normalised) address already has an account.
 */
export async function signUp(
  db: Db,
  config: Config,
  input: { email: string; password: string; name: string },
  origin: RequestOrigin,
): Promise<SignedInResult> {
  const email = requireEmail(input.email);
  const name = input.name.trim();
  if (!name) throw invalid('name', 'must not be empty');
  requireGoodPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (taken) throw problem('email_taken');
      const user = await tx
        .insertInto('users')
        .values({ email, name, password_hash: passwordHash, avatar_url: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordActivity(tx, {
        workspaceId: null,
        actor: userActor(user),
        action: 'auth.signed_up',
        target: { type: 'user', id: user.id },
        after: { email, name },
        origin,
      });
      await sendVerification(tx, config, user);
      return startSession(tx, config, user, origin, 'password');
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw problem('email_taken');
    throw err;
  }
}

/** A hash of a random password, verified against when the email is unknown so timing matches. */
let dummyHash: Promise<string> | null = null;
function timingDummy(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

/**
 * Password sign-in. Unknown email and wrong password give the same 401
 * `invalid_credentials` after the same work (a scrypt verification either
 * way). Failures are counted per email address; past SIGN_IN_MAX_FAILURES in
 * the window, sign-in answers 429 `rate_limited` until the window ends.
 */
export async function signIn(
  db: Db,
  config: Config,
  input: { email: string; password: string },
  origin: RequestOrigin,
): Promise<SignedInResult> {
  const email = normalizeEmail(input.email) ?? input.email.trim().toLowerCase().slice(0, 320);
  const windowMs = config.signInFailureWindowMinutes * 60_000;
  const failures = await db
    .selectFrom('sign_in_failures')
    .select(['failures', 'window_started_at'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (failures) {
    const endsAt = new Date(failures.window_started_at).getTime() + windowMs;
    if (endsAt > Date.now() && failures.failures >= config.signInMaxFailures) {
      const retryAfter = Math.max(1, Math.ceil((endsAt - Date.now()) / 1000));
      throw problem('rate_limited', `Too many failed sign-ins for this account; retry in ${retryAfter} s`, {
        retryAfter,
      });
    }
  }

  const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const ok = user?.password_hash
    ? await verifyPassword(input.password, user.password_hash)
    : (await verifyPassword(input.password, await timingDummy())) && false;

  if (!user || !ok) {
    await db.transaction().execute(async (tx) => {
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
      await recordActivity(tx, {
        workspaceId: null,
        actor: user ? userActor(user) : SYSTEM_ACTOR,
        action: 'auth.sign_in_failed',
        target: user ? { type: 'user', id: user.id } : null,
        after: { email, reason: user ? 'wrong_password' : 'unknown_email' },
        origin,
      });
    });
    throw problem('invalid_credentials');
  }

  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sign_in_failures').where('email', '=', email).execute();
    return startSession(tx, config, user, origin, 'password');
  });
}

/** Ends one session (sign-out). */
export async function signOut(
  db: Db,
  principal: { userId: string; sessionId: string; name: string; email: string },
  origin: RequestOrigin,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', principal.sessionId)
      .where('revoked_at', 'is', null)
      .execute();
    await recordActivity(tx, {
      workspaceId: null,
      actor: { type: 'user', id: principal.userId, name: principal.name || principal.email },
      action: 'auth.signed_out',
      target: { type: 'session', id: principal.sessionId },
      origin,
    });
  });
}

/**
 * Consumes a single-use email token of the given purpose, in the caller's
 * transaction: the row is locked and marked used, so two concurrent uses
 * cannot both succeed. 400 `token_invalid` when unknown, used or expired.
 */
async function consumeToken(tx: Tx, purpose: 'verify_email' | 'reset_password', token: string) {
  const row = await tx
    .selectFrom('email_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.used_at || new Date(row.expires_at).getTime() <= Date.now()) throw problem('token_invalid');
  await tx.updateTable('email_tokens').set({ used_at: sql`now()` }).where('id', '=', row.id).execute();
  return row;
}

/** Marks the address verified when the link's token is live and the account still has that address. */
export async function verifyEmail(db: Db, token: string, origin: RequestOrigin): Promise<User> {
  return db.transaction().execute(async (tx) => {
    const row = await consumeToken(tx, 'verify_email', token);
    const user = await tx.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
    // The account changed its address since the link was sent: the link proves nothing now.
    if (!user || user.email !== row.email) throw problem('token_invalid');
    if (user.email_verified_at) return user;
    const updated = await tx
      .updateTable('users')
      .set({ email_verified_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.email_verified',
      target: { type: 'user', id: user.id },
      after: { email: user.email },
      origin,
    });
    return updated;
  });
}

/**
 * Emails a reset link when the address has an account; answers the same
 * either way (the route returns 202 regardless), so the response reveals
 * nothing about which addresses exist.
 */
export async function requestPasswordReset(
  db: Db,
  config: Config,
  rawEmail: string,
  origin: RequestOrigin,
): Promise<void> {
  const email = normalizeEmail(rawEmail);
  if (!email) return;
  await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    if (!user) return;
    await dropStaleTokens(tx, user.id);
    const token = randomToken();
    const row = await tx
      .insertInto('email_tokens')
      .values({
        user_id: user.id,
        purpose: 'reset_password',
        token_hash: sha256(token),
        email,
        expires_at: new Date(Date.now() + RESET_PASSWORD_TTL_MINUTES * 60_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // A fragment, not a query: the token never reaches a server log or a Referer header.
    const url = `${config.publicUrl}/reset-password#token=${encodeURIComponent(token)}`;
    await enqueueEmail(tx, {
      to: email,
      ...resetPasswordTemplate({ name: user.name, url, expiresInMinutes: RESET_PASSWORD_TTL_MINUTES }),
      idempotencyKey: `reset_password:${row.id}`,
    });
    await recordActivity(tx, {
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.password_reset_requested',
      target: { type: 'user', id: user.id },
      origin,
    });
  });
}

/**
 * Sets a new password from a reset link: the token is consumed, every other
 * reset link of the account dies, every session ends (whoever held the old
 * password is signed out), and the address counts as verified (the link
 * proved it). The user then signs in with the new password.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string },
  origin: RequestOrigin,
): Promise<void> {
  requireGoodPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (tx) => {
    const row = await consumeToken(tx, 'reset_password', input.token);
    const user = await tx.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
    if (!user || user.email !== row.email) throw problem('token_invalid');
    await tx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        email_verified_at: user.email_verified_at ?? new Date(),
        updated_at: sql`now()`,
      })
      .where('id', '=', user.id)
      .execute();
    await tx
      .updateTable('email_tokens')
      .set({ used_at: sql`now()` })
      .where('user_id', '=', user.id)
      .where('purpose', '=', 'reset_password')
      .where('used_at', 'is', null)
      .execute();
    const ended = await revokeUserSessions(tx, user.id);
    await tx.deleteFrom('sign_in_failures').where('email', '=', user.email).execute();
    await recordActivity(tx, {
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.password_reset',
      target: { type: 'user', id: user.id },
      after: { sessionsEnded: ended },
      origin,
    });
    await enqueueEmail(tx, {
      to: user.email,
      ...passwordChangedTemplate({ name: user.name }),
      idempotencyKey: `password_changed:reset:${row.id}`,
    });
  });
}

/** Starts a session for an already-authenticated user (SSO callback). */
export async function signInVerifiedUser(
  tx: Tx,
  config: Config,
  user: User,
  origin: RequestOrigin,
): Promise<SignedInResult> {
  return startSession(tx, config, user, origin, 'sso');
}
