import { revokeUserSessions } from '../../auth/sessions';
import { type CommandContext, defineCommand } from '../../command/command';
import type { Config } from '../../config';
import type { User } from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import { enqueueEmail } from '../../mail/outbox';
import { passwordChangedTemplate } from '../../mail/templates';
import { queueVerification } from '../auth/commands/account';
import { findUserById, revokeSessionRow, updateUser } from '../auth/repo';
import { lockUser, recentVerificationEmails } from './repo';

/**
 * The signed-in user's own account commands (docs/rules.md §2 "own profile,
 * own sessions"). Account-level: the scope has no workspace, so every entry
 * goes to the global chain, with the user as actor.
 */

function userIdOf(ctx: CommandContext): string {
  if (!ctx.userId) throw problem('forbidden', 'This action needs a signed-in user');
  return ctx.userId;
}

async function loadUser(ctx: CommandContext): Promise<User> {
  const user = await findUserById(ctx.tx, userIdOf(ctx));
  if (!user) throw notFound('user');
  return user;
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
export const updateProfile = defineCommand({
  name: 'me.update_profile',
  actions: ['account.updated'],
  async run(ctx, patch: { name?: string; avatarUrl?: string | null }) {
    const set: { name?: string; avatar_url?: string | null } = {};
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
      set.name = name;
    }
    if (patch.avatarUrl !== undefined) set.avatar_url = checkAvatarUrl(patch.avatarUrl);
    const before = await loadUser(ctx);
    if (Object.keys(set).length === 0) return before;
    const after = await updateUser(ctx.tx, before.id, set);
    await ctx.record({
      action: 'account.updated',
      target: { type: 'user', id: before.id },
      before: { name: before.name, avatarUrl: before.avatar_url },
      after: { name: after.name, avatarUrl: after.avatar_url },
    });
    return after;
  },
});

/**
 * Sets the new password (the current one was checked and the new one hashed
 * before: modules/me/routes.ts) and ends every other session of the user;
 * the current one stays signed in.
 */
export const changePassword = defineCommand({
  name: 'me.change_password',
  actions: ['auth.password_changed'],
  async run(ctx, { passwordHash, sessionId }: { passwordHash: string; sessionId: string }) {
    const user = await loadUser(ctx);
    await updateUser(ctx.tx, user.id, { password_hash: passwordHash });
    const sessionsEnded = await revokeUserSessions(ctx.tx, user.id, sessionId);
    await ctx.record({
      action: 'auth.password_changed',
      target: { type: 'user', id: user.id },
      after: { sessionsEnded },
    });
    await enqueueEmail(ctx.tx, {
      to: user.email,
      ...passwordChangedTemplate({ name: user.name }),
      idempotencyKey: `password_changed:${user.id}:${Date.now()}`,
    });
    return { sessionsEnded };
  },
});

/**
 * Sends a fresh verification link (earlier links stay valid until they
 * expire), at most VERIFICATION_EMAILS_PER_HOUR an hour per account
 * ("No mail cannon", docs/security.md): counted from the account's
 * `auth.verification_email_sent` entries, so every instance sees the same
 * number; past it, 429 `rate_limited` with Retry-After.
 */
export const resendVerification = defineCommand({
  name: 'me.resend_verification',
  actions: ['auth.verification_email_sent'],
  async run(ctx, { config }: { config: Config }) {
    const user = await loadUser(ctx);
    if (user.email_verified_at) throw problem('conflict', 'This email address is already verified');
    // One request at a time per account, so two at once cannot both pass the count.
    await lockUser(ctx.tx, user.id);
    const recent = await recentVerificationEmails(ctx.tx, user.id);
    if (recent.count >= config.verificationEmailsPerHour) {
      const age = recent.oldest ? Math.floor((Date.now() - recent.oldest.getTime()) / 1000) : 0;
      const retryAfter = Math.max(1, 3600 - age);
      throw problem(
        'rate_limited',
        `${recent.count} verification emails were sent in the last hour (limit ${config.verificationEmailsPerHour}); try again in ${Math.ceil(retryAfter / 60)} minutes`,
        { retryAfter },
      );
    }
    await queueVerification(ctx.tx, config, user);
    // Every change is audited (docs/rules.md §5).
    await ctx.record({ action: 'auth.verification_email_sent', target: { type: 'user', id: user.id } });
  },
});

/** Ends one of the user's own sessions; another user's session id is 404. */
export const revokeSession = defineCommand({
  name: 'me.revoke_session',
  actions: ['auth.session_revoked'],
  async run(ctx, { sessionId }: { sessionId: string }) {
    if (!(await revokeSessionRow(ctx.tx, sessionId, userIdOf(ctx)))) throw notFound('session');
    await ctx.record({ action: 'auth.session_revoked', target: { type: 'session', id: sessionId } });
  },
});

/** Signs out everywhere else (keepCurrent) or everywhere; returns how many sessions ended. */
export const revokeOtherSessions = defineCommand({
  name: 'me.revoke_sessions',
  actions: ['auth.other_sessions_revoked', 'auth.signed_out_everywhere'],
  async run(ctx, { keepSessionId }: { keepSessionId: string | null }) {
    const userId = userIdOf(ctx);
    const ended = await revokeUserSessions(ctx.tx, userId, keepSessionId);
    await ctx.record({
      action: keepSessionId ? 'auth.other_sessions_revoked' : 'auth.signed_out_everywhere',
      target: { type: 'user', id: userId },
      after: { sessionsEnded: ended },
    });
    return ended;
  },
});
