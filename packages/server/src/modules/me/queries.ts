import type { Kysely } from 'kysely';
import type { Config } from '../../config';
import type { DB, User } from '../../db/schema';
import { notFound } from '../../errors';
import { findUserById } from '../auth/repo';
import { findLiveSessions } from './repo';

/** The signed-in user's account row; 404 when it is gone. */
export async function getMe(db: Kysely<DB>, userId: string): Promise<User> {
  const user = await findUserById(db, userId);
  if (!user) throw notFound('user');
  return user;
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
export async function listSessions(
  db: Kysely<DB>,
  config: Config,
  me: { userId: string; sessionId: string },
): Promise<SessionView[]> {
  const idleCutoff = new Date(Date.now() - config.sessionIdleHours * 3_600_000);
  const rows = await findLiveSessions(db, me.userId, idleCutoff);
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
