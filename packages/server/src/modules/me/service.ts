import { type Kysely, sql } from 'kysely';
import { type RequestOrigin, recordActivity } from '../../audit/record';
import { hashPassword, verifyPassword } from '../../auth/password';
import type { Actor } from '../../auth/principal';
import { revokeUserSessions } from '../../auth/sessions';
import type { Config } from '../../config';
import type { DB, User } from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import { enqueueEmail } from '../../mail/outbox';
import { passwordChangedTemplate } from '../../mail/templates';
import { requireGoodPassword, sendVerification } from '../auth/service';

type Db = Kysely<DB>;

/** The signed-in user as the activity log names them. */
export interface Me {
  userId: string;
  sessionId: string;
  name: string;
  email: string;
}

function actor(me: Me): Actor {
  return { type: 'user', id: me.userId, name: me.name || me.email };
}

/** Avatar URLs are shown in the console: only https (or http for local development) links. */
function checkAvatarUrl(raw: string | null): string | null {
  if (raw === null || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationFailed([{ path: '/body/avatarUrl', message: 'must be an absolute URL' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw validationFailed([{ path: '/body/avatarUrl', message: 'must be an http(s) URL' }]);
  }
  return url.toString();
}

/** Edits the profile (name, avatar URL); records before and after. */
export async function updateProfile(
  db: Db,
  me: Me,
  patch: { name?: string; avatarUrl?: string | null },
  origin: RequestOrigin,
): Promise<User> {
  const set: { name?: string; avatar_url?: string | null } = {};
  if (patch.name !== undefined) {
    const name = patch.name.trim();
    if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
    set.name = name;
  }
  if (patch.avatarUrl !== undefined) set.avatar_url = checkAvatarUrl(patch.avatarUrl);
  return db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('users').selectAll().where('id', '=', me.userId).executeTakeFirst();
    if (!before) throw notFound('user');
    if (Object.keys(set).length === 0) return before;
    const after = await tx
      .updateTable('users')
      .set({ ...set, updated_at: sql`now()` })
      .where('id', '=', me.userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId: null,
      actor: actor(me),
      action: 'account.updated',
      target: { type: 'user', id: me.userId },
      before: { name: before.name, avatarUrl: before.avatar_url },
      after: { name: after.name, avatarUrl: after.avatar_url },
      origin,
    });
    return after;
  });
}

/**
 * Changes the password: the current one is required (an SSO-only account
 * has none and sets one through the reset link), and every other session of
 * the user ends; this one stays signed in.
 */
export async function changePassword(
  db: Db,
  me: Me,
  input: { currentPassword: string; newPassword: string },
  origin: RequestOrigin,
): Promise<{ sessionsEnded: number }> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', me.userId).executeTakeFirst();
  if (!user) throw notFound('user');
  if (!user.password_hash || !(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw validationFailed(
      [{ path: '/body/currentPassword', message: 'is not your current password' }],
      'currentPassword is not your current password',
    );
  }
  requireGoodPassword(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw validationFailed([{ path: '/body/newPassword', message: 'must differ from the current password' }]);
  }
  const hash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: sql`now()` })
      .where('id', '=', me.userId)
      .execute();
    const sessionsEnded = await revokeUserSessions(tx, me.userId, me.sessionId);
    await recordActivity(tx, {
      workspaceId: null,
      actor: actor(me),
      action: 'auth.password_changed',
      target: { type: 'user', id: me.userId },
      after: { sessionsEnded },
      origin,
    });
    await enqueueEmail(tx, {
      to: user.email,
      ...passwordChangedTemplate({ name: user.name }),
      idempotencyKey: `password_changed:${me.userId}:${Date.now()}`,
    });
    return { sessionsEnded };
  });
}

/** Sends a fresh verification link (earlier links stay valid until they expire). */
export async function resendVerification(
  db: Db,
  config: Config,
  me: Me,
  origin: RequestOrigin,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').selectAll().where('id', '=', me.userId).executeTakeFirst();
    if (!user) throw notFound('user');
    if (user.email_verified_at) throw problem('conflict', 'This email address is already verified');
    await sendVerification(tx, config, user);
    // Every change is audited (SPEC §5): a new link kills the previous one.
    await recordActivity(tx, {
      workspaceId: null,
      actor: actor(me),
      action: 'auth.verification_email_sent',
      target: { type: 'user', id: me.userId },
      origin,
    });
  });
}

export interface SessionView {
  id: string;
  current: boolean;
  method: 'password' | 'sso';
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** The user's live sessions (not revoked, not expired), newest first, the current one marked. */
export async function listSessions(db: Db, config: Config, me: Me): Promise<SessionView[]> {
  const idleCutoff = new Date(Date.now() - config.sessionIdleHours * 3_600_000);
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'method', 'ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', me.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .where('last_seen_at', '>', idleCutoff)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    current: r.id === me.sessionId,
    method: r.method,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  }));
}

/** Ends one of the user's own sessions; another user's session id is 404. */
export async function revokeSession(db: Db, me: Me, sessionId: string, origin: RequestOrigin): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', sessionId)
      .where('user_id', '=', me.userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound('session');
    await recordActivity(tx, {
      workspaceId: null,
      actor: actor(me),
      action: 'auth.session_revoked',
      target: { type: 'session', id: sessionId },
      origin,
    });
  });
}

/** Signs out everywhere else (keepCurrent) or everywhere. */
export async function revokeOtherSessions(
  db: Db,
  me: Me,
  keepCurrent: boolean,
  origin: RequestOrigin,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const ended = await revokeUserSessions(tx, me.userId, keepCurrent ? me.sessionId : null);
    await recordActivity(tx, {
      workspaceId: null,
      actor: actor(me),
      action: keepCurrent ? 'auth.other_sessions_revoked' : 'auth.signed_out_everywhere',
      target: { type: 'user', id: me.userId },
      after: { sessionsEnded: ended },
      origin,
    });
    return ended;
  });
}
