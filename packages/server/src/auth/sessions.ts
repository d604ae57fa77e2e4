import type { FastifyReply } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { randomToken, sha256 } from './tokens';

/** The HttpOnly cookie holding the opaque session token. */
export const SESSION_COOKIE = 'atrium_session';
/** A readable copy of the session's CSRF token (double-submit convenience for the console). */
const CSRF_COOKIE = 'atrium_csrf';
/** The header every cookie-authenticated mutation must carry. */
export const CSRF_HEADER = 'x-csrf-token';

/** last_seen_at is written at most this often per session, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewSession {
  userId: string;
  ip: string | null;
  userAgent: string | null;
  method: 'password' | 'sso';
}

/**
 * Starts a session inside the caller's transaction and returns its id and
 * the token for the cookie. Only the token's SHA-256 is stored (issue 4).
 */
export async function createSession(
  tx: Transaction<DB> | Kysely<DB>,
  config: Config,
  input: NewSession,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.sessionTtlHours * 3_600_000);
  // Housekeeping without a job: the user's sessions that ended over 30 days ago go
  // (their sign-ins and sign-outs stay in the activity log).
  await tx
    .deleteFrom('sessions')
    .where('user_id', '=', input.userId)
    .where((eb) =>
      eb.or([
        eb('revoked_at', '<', sql<Date>`now() - interval '30 days'`),
        eb('expires_at', '<', sql<Date>`now() - interval '30 days'`),
      ]),
    )
    .execute();
  const row = await tx
    .insertInto('sessions')
    .values({
      user_id: input.userId,
      token_hash: sha256(token),
      expires_at: expiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 512) ?? null,
      method: input.method,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, expiresAt };
}

export interface ResolvedSession {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
}

/**
 * The live session for a cookie token, or null when it is unknown, revoked,
 * past its absolute expiry or idle for longer than the idle timeout.
 */
export async function resolveSession(
  db: Kysely<DB>,
  config: Config,
  token: string,
): Promise<ResolvedSession | null> {
  const now = Date.now();
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'sessions.revoked_at',
      'users.email',
      'users.name',
    ])
    .where('sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return null;
  if (new Date(row.expires_at).getTime() <= now) return null;
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (lastSeen + config.sessionIdleHours * 3_600_000 <= now) return null;
  if (now - lastSeen > TOUCH_INTERVAL_MS) {
    await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', row.id).execute();
    await db.updateTable('users').set({ last_active_at: sql`now()` }).where('id', '=', row.user_id).execute();
  }
  return { sessionId: row.id, userId: row.user_id, email: row.email, name: row.name };
}

/** Ends sessions of a user (all, or all but one) in the caller's transaction; returns how many. */
export async function revokeUserSessions(
  tx: Transaction<DB> | Kysely<DB>,
  userId: string,
  exceptSessionId: string | null = null,
): Promise<number> {
  let q = tx
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

function secure(config: Config): boolean {
  return config.publicUrl.startsWith('https:');
}

/**
 * Sets the session cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS) and
 * the readable CSRF cookie, both ending with the session's absolute expiry.
 */
export function setSessionCookies(
  reply: FastifyReply,
  config: Config,
  session: { token: string; expiresAt: Date },
  csrfToken: string,
): void {
  const base = { path: '/', sameSite: 'lax' as const, secure: secure(config), expires: session.expiresAt };
  reply.setCookie(SESSION_COOKIE, session.token, { ...base, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
}

/** Clears both session cookies (sign-out, or the current session revoked). */
export function clearSessionCookies(reply: FastifyReply, config: Config): void {
  const base = { path: '/', sameSite: 'lax' as const, secure: secure(config) };
  reply.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { ...base, httpOnly: false });
}
