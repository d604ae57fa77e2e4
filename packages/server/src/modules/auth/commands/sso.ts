import { SYSTEM_ACTOR } from '../../../auth/principal';
import { revokeUserSessions } from '../../../auth/sessions';
import { defineCommand } from '../../../command/command';
import type { Config } from '../../../config';
import {
  findLinkedUser,
  findUserByEmail,
  insertIdentity,
  insertSsoFlow,
  insertUser,
  markVerifiedNow,
  takeSsoFlow,
  touchIdentity,
} from '../repo';
import { startSession } from './session';

/** Who the OpenID provider says signed in (verified email). */
export interface IdentityClaims {
  subject: string;
  email: string;
  name: string;
}

/** Stores a started SSO attempt (PKCE verifier and nonce, keyed by the state's hash). */
export const beginSso = defineCommand({
  name: 'auth.sso_begin',
  actions: [],
  async run(
    ctx,
    flow: {
      stateHash: string;
      codeVerifier: string;
      nonce: string;
      returnTo: string | null;
      expiresAt: Date;
    },
  ) {
    await insertSsoFlow(ctx.tx, flow);
  },
});

/** Takes (deletes and returns) the SSO attempt of a state hash: single use. */
export const takeSso = defineCommand({
  name: 'auth.sso_take',
  actions: [],
  async run(ctx, { stateHash }: { stateHash: string }) {
    return (await takeSsoFlow(ctx.tx, stateHash)) ?? null;
  },
});

/**
 * Finishes an SSO sign-in: links the provider identity to the account with
 * that verified email (or creates the account) and starts a session.
 *
 * SSO only authenticates (docs/rules.md §4 "Authentication is not
 * authorization"): nothing here reads or writes memberships, roles,
 * matrices, presets or workspace revisions, and a new account belongs to no
 * workspace.
 *
 * Linking to an existing account whose email was never verified also drops
 * its password and sessions: whoever set them never proved they own the
 * address (account pre-hijacking).
 */
export const completeSso = defineCommand({
  name: 'auth.sso_sign_in',
  actions: ['auth.signed_up', 'auth.sso_linked', 'auth.signed_in'],
  async run(ctx, { claims, issuer, config }: { claims: IdentityClaims; issuer: string; config: Config }) {
    const linked = await findLinkedUser(ctx.tx, issuer, claims.subject);
    if (linked) {
      await touchIdentity(ctx.tx, issuer, claims.subject, claims.email);
      return startSession(ctx, config, linked, 'sso');
    }

    let user = await findUserByEmail(ctx.tx, claims.email);
    const created = !user;
    if (!user) {
      user = await insertUser(ctx.tx, {
        email: claims.email,
        name: claims.name,
        passwordHash: null,
        emailVerifiedAt: new Date(),
      });
      await ctx.record({
        workspaceId: null,
        actor: { type: 'user', id: user.id, name: user.name },
        action: 'auth.signed_up',
        target: { type: 'user', id: user.id },
        after: { email: claims.email, name: claims.name, method: 'sso', issuer },
      });
    } else if (!user.email_verified_at) {
      await revokeUserSessions(ctx.tx, user.id);
      user = await markVerifiedNow(ctx.tx, user.id, true);
    }
    await insertIdentity(ctx.tx, { issuer, subject: claims.subject, userId: user.id, email: claims.email });
    // A new account's identity is part of its auth.signed_up entry; linking onto an existing one is its own event.
    if (!created) {
      await ctx.record({
        workspaceId: null,
        actor: { type: 'user', id: user.id, name: user.name },
        action: 'auth.sso_linked',
        target: { type: 'user', id: user.id },
        after: { issuer, email: claims.email },
      });
    }
    return startSession(ctx, config, user, 'sso');
  },
});

/** A failed SSO sign-in is audited like a wrong password (docs/rules.md §5). */
export const recordSsoFailure = defineCommand({
  name: 'auth.sso_failure',
  actions: ['auth.sign_in_failed'],
  async run(ctx, { reason, email }: { reason: string; email: string | null }) {
    await ctx.record({
      workspaceId: null,
      actor: SYSTEM_ACTOR,
      action: 'auth.sign_in_failed',
      after: { method: 'sso', reason, ...(email ? { email } : {}) },
    });
  },
});
