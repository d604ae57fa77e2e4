import type { Transaction } from 'kysely';
import { revokeUserSessions } from '../../../auth/sessions';
import { randomToken, sha256 } from '../../../auth/tokens';
import { defineCommand } from '../../../command/command';
import type { Config } from '../../../config';
import type { DB, User } from '../../../db/schema';
import { problem } from '../../../errors';
import { enqueueEmail } from '../../../mail/outbox';
import { passwordChangedTemplate, resetPasswordTemplate, verifyEmailTemplate } from '../../../mail/templates';
import {
  clearSignInFailures,
  dropStaleTokens,
  findUserByEmail,
  findUserById,
  insertEmailToken,
  insertUser,
  lockEmailToken,
  markTokenUsed,
  markVerifiedNow,
  updateUser,
  useUpResetTokens,
} from '../repo';
import { startSession, userActor } from './session';

/**
 * Account commands without a workspace (docs/rules.md §4 "Authentication is
 * not authorization"): sign-up, email verification and password reset. Their
 * entries go to the global chain (workspace null).
 */

export const VERIFY_EMAIL_TTL_HOURS = 24;
export const RESET_PASSWORD_TTL_MINUTES = 60;

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** Queues a verification link for the user's current email (in the command's transaction). */
export async function queueVerification(
  tx: Transaction<DB>,
  config: Config,
  user: Pick<User, 'id' | 'email' | 'name'>,
): Promise<void> {
  await dropStaleTokens(tx, user.id);
  const token = randomToken();
  const id = await insertEmailToken(tx, {
    userId: user.id,
    purpose: 'verify_email',
    tokenHash: sha256(token),
    email: user.email,
    expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_HOURS * 3_600_000),
  });
  const url = `${config.publicUrl}/v1/auth/verify-email?token=${encodeURIComponent(token)}`;
  await enqueueEmail(tx, {
    to: user.email,
    ...verifyEmailTemplate({ name: user.name, url, expiresInHours: VERIFY_EMAIL_TTL_HOURS }),
    idempotencyKey: `verify_email:${id}`,
  });
}

/**
 * Creates an account (input validated and hashed by `prepareSignUp`), queues
 * the verification link and signs the new user in. 409 `email_taken` when
 * the (normalised) address already has an account.
 */
export const signUp = defineCommand({
  name: 'auth.sign_up',
  actions: ['auth.signed_up', 'auth.signed_in'],
  async run(ctx, input: { email: string; name: string; passwordHash: string; config: Config }) {
    const { email, name } = input;
    if (await findUserByEmail(ctx.tx, email)) throw problem('email_taken');
    let user: User;
    try {
      user = await insertUser(ctx.tx, { email, name, passwordHash: input.passwordHash });
    } catch (err) {
      // Two sign-ups of one address at once: the loser hears the same 409.
      if (isUniqueViolation(err)) throw problem('email_taken');
      throw err;
    }
    await ctx.record({
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.signed_up',
      target: { type: 'user', id: user.id },
      after: { email, name },
    });
    await queueVerification(ctx.tx, input.config, user);
    return startSession(ctx, input.config, user, 'password');
  },
});

/**
 * Consumes a single-use email token of the given purpose: the row is locked
 * and marked used, so two concurrent uses cannot both succeed. 400
 * `token_invalid` when unknown, used or expired.
 */
async function consumeToken(tx: Transaction<DB>, purpose: 'verify_email' | 'reset_password', token: string) {
  const row = await lockEmailToken(tx, purpose, sha256(token));
  if (!row || row.used_at || new Date(row.expires_at).getTime() <= Date.now()) throw problem('token_invalid');
  await markTokenUsed(tx, row.id);
  return row;
}

/** Marks the address verified when the link's token is live and the account still has that address. */
export const verifyEmail = defineCommand({
  name: 'auth.verify_email',
  actions: ['auth.email_verified'],
  async run(ctx, { token }: { token: string }) {
    const row = await consumeToken(ctx.tx, 'verify_email', token);
    const user = await findUserById(ctx.tx, row.user_id);
    // The account changed its address since the link was sent: the link proves nothing now.
    if (!user || user.email !== row.email) throw problem('token_invalid');
    if (user.email_verified_at) return user;
    const updated = await markVerifiedNow(ctx.tx, user.id);
    await ctx.record({
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.email_verified',
      target: { type: 'user', id: user.id },
      after: { email: user.email },
    });
    return updated;
  },
});

/**
 * Thrown by {@link requestPasswordReset} for an address without an account,
 * after doing the same work as for one, so the wrapper rolls all of it back.
 */
export class NoAccountRolledBack extends Error {
  constructor() {
    super('password reset for an address without an account (rolled back)');
  }
}

/**
 * Emails a reset link when the address has an account (docs/security.md
 * "Enumeration"). For an address without one it does the same work — the
 * same statements, on a stand-in account created in the transaction — and
 * then throws {@link NoAccountRolledBack}, so everything is rolled back and
 * nothing is sent: the route answers the same 202 either way, in the same
 * time (bench/enumeration.ts measures it).
 */
export const requestPasswordReset = defineCommand({
  name: 'auth.request_password_reset',
  actions: ['auth.password_reset_requested'],
  async run(ctx, { email, config }: { email: string; config: Config }) {
    const found = await findUserByEmail(ctx.tx, email);
    const user =
      found ??
      (await insertUser(ctx.tx, {
        email: `reset-stand-in-${sha256(randomToken()).slice(0, 24)}@invalid.invalid`,
        name: 'Stand-in',
        passwordHash: null,
      }));
    await dropStaleTokens(ctx.tx, user.id);
    const token = randomToken();
    const id = await insertEmailToken(ctx.tx, {
      userId: user.id,
      purpose: 'reset_password',
      tokenHash: sha256(token),
      email,
      expiresAt: new Date(Date.now() + RESET_PASSWORD_TTL_MINUTES * 60_000),
    });
    // A fragment, not a query: the token never reaches a server log or a Referer header.
    const url = `${config.publicUrl}/reset-password#token=${encodeURIComponent(token)}`;
    await enqueueEmail(ctx.tx, {
      to: email,
      ...resetPasswordTemplate({ name: user.name, url, expiresInMinutes: RESET_PASSWORD_TTL_MINUTES }),
      idempotencyKey: `reset_password:${id}`,
    });
    await ctx.record({
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.password_reset_requested',
      target: { type: 'user', id: user.id },
    });
    if (!found) throw new NoAccountRolledBack();
  },
});

/**
 * Sets a new password (already checked and hashed) from a reset link: the
 * token is consumed, every other reset link of the account dies, every
 * session ends (whoever held the old password is signed out), and the
 * address counts as verified (the link proved it).
 */
export const resetPassword = defineCommand({
  name: 'auth.reset_password',
  actions: ['auth.password_reset'],
  async run(ctx, { token, passwordHash }: { token: string; passwordHash: string }) {
    const row = await consumeToken(ctx.tx, 'reset_password', token);
    const user = await findUserById(ctx.tx, row.user_id);
    if (!user || user.email !== row.email) throw problem('token_invalid');
    await updateUser(ctx.tx, user.id, {
      password_hash: passwordHash,
      email_verified_at: user.email_verified_at ?? new Date(),
    });
    await useUpResetTokens(ctx.tx, user.id);
    const ended = await revokeUserSessions(ctx.tx, user.id);
    await clearSignInFailures(ctx.tx, user.email);
    await ctx.record({
      workspaceId: null,
      actor: userActor(user),
      action: 'auth.password_reset',
      target: { type: 'user', id: user.id },
      after: { sessionsEnded: ended },
    });
    await enqueueEmail(ctx.tx, {
      to: user.email,
      ...passwordChangedTemplate({ name: user.name }),
      idempotencyKey: `password_changed:reset:${row.id}`,
    });
  },
});
