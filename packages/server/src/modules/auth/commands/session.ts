import { type Actor, SYSTEM_ACTOR } from '../../../auth/principal';
import { createSession } from '../../../auth/sessions';
import { csrfTokenFor } from '../../../auth/tokens';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { Config } from '../../../config';
import type { User } from '../../../db/schema';
import { clearSignInFailures, countSignInFailure, revokeSessionRow, touchLastActive } from '../repo';

/** How the activity log names a user who is not (yet) the request's principal. */
export function userActor(u: Pick<User, 'id' | 'name' | 'email'>): Actor {
  return { type: 'user', id: u.id, name: u.name || u.email };
}

export interface SignedInResult {
  user: User;
  sessionId: string;
  token: string;
  expiresAt: Date;
  csrfToken: string;
}

/**
 * Starts a session in the command's transaction and records
 * `auth.signed_in` (the calling command declares that action).
 */
export async function startSession(
  ctx: CommandContext,
  config: Config,
  user: User,
  method: 'password' | 'sso',
): Promise<SignedInResult> {
  const session = await createSession(ctx.tx, config, {
    userId: user.id,
    ip: ctx.origin.ip,
    userAgent: ctx.origin.userAgent,
    method,
  });
  await touchLastActive(ctx.tx, user.id);
  await ctx.record({
    workspaceId: null,
    actor: userActor(user),
    action: 'auth.signed_in',
    target: { type: 'session', id: session.id },
    after: { method },
  });
  return {
    user,
    sessionId: session.id,
    token: session.token,
    expiresAt: session.expiresAt,
    csrfToken: csrfTokenFor(session.token),
  };
}

/**
 * Password sign-in once the credentials checked out (`checkCredentials`):
 * clears the address's failure counter and starts a session.
 */
export const signIn = defineCommand({
  name: 'auth.sign_in',
  actions: ['auth.signed_in'],
  async run(ctx, { user, email, config }: { user: User; email: string; config: Config }) {
    await clearSignInFailures(ctx.tx, email);
    return startSession(ctx, config, user, 'password');
  },
});

/**
 * Counts a failed password sign-in and records `auth.sign_in_failed`.
 *
 * A command of its own that *succeeds* (the route throws the 401
 * `invalid_credentials` after it committed): the counter behind the
 * per-account lockout and the audit entry must survive the refusal, which a
 * refusal thrown inside the same command would roll back.
 */
export const recordSignInFailure = defineCommand({
  name: 'auth.sign_in_failure',
  actions: ['auth.sign_in_failed'],
  async run(ctx, { email, user, windowMs }: { email: string; user: User | null; windowMs: number }) {
    await countSignInFailure(ctx.tx, email, windowMs);
    await ctx.record({
      workspaceId: null,
      actor: user ? userActor(user) : SYSTEM_ACTOR,
      action: 'auth.sign_in_failed',
      target: user ? { type: 'user', id: user.id } : null,
      after: { email, reason: user ? 'wrong_password' : 'unknown_email' },
    });
  },
});

/** Ends the request's session (sign-out). */
export const signOut = defineCommand({
  name: 'auth.sign_out',
  actions: ['auth.signed_out'],
  async run(ctx, { sessionId }: { sessionId: string }) {
    await revokeSessionRow(ctx.tx, sessionId);
    await ctx.record({ action: 'auth.signed_out', target: { type: 'session', id: sessionId } });
  },
});
