import { normalizeEmail } from '../../../auth/email';
import { hashPassword } from '../../../auth/password';
import { passwordProblem } from '../../../auth/password-policy';
import type { Actor, Principal } from '../../../auth/principal';
import { createSession } from '../../../auth/sessions';
import { csrfTokenFor } from '../../../auth/tokens';
import { type CommandContext, defineCommand } from '../../../command/command';
import type { Config } from '../../../config';
import type { AgentRoleColumn, MatrixJson, WorkspaceRoleColumn } from '../../../db/schema';
import { notFound, problem, validationFailed } from '../../../errors';
import { requireUuid } from '../../../ids';
import type { StoredGrant } from '../../access/grants';
import {
  applyMembership,
  emailVerifiedAt,
  findUserByEmail,
  insertInvitedUser,
  revisionOf,
  rolesOf,
} from '../membership-repo';
import { agentsOf, byToken, statusOf } from '../queries';
import { type InvitationForAcceptance, lockInvitationTo, markAccepted } from '../repo';

/**
 * Accepting an invitation (docs/rules.md §4 "Invitations"): by the link's
 * token, or, signed in with the invited (verified) email, without it. An
 * account-level command that joins a workspace: the revision bump and the
 * activity entries go to that workspace.
 */

export interface AcceptResult {
  workspaceId: string;
  workspaceName: string;
  userId: string;
  role: WorkspaceRoleColumn;
  agents: { agentId: string; role: AgentRoleColumn }[];
  /** The workspace's revision before the command (the wrapper's bump, if any, is newer). */
  revision: number;
  /** Set when the account was created here: the new session for the cookie. */
  session?: { token: string; expiresAt: Date; csrfToken: string };
}

function refuseUnusable(inv: { status: 'pending' | 'accepted' | 'revoked'; expires_at: unknown }) {
  if (inv.status === 'revoked') throw problem('invitation_revoked');
  if (inv.status === 'accepted') throw problem('invitation_used');
  if (statusOf(inv) === 'expired') {
    throw problem('invitation_expired', 'This invitation has expired: ask for a new one');
  }
}

/**
 * The part of accepting that is the same however the invitee proved the
 * address (link token, or a signed-in account with that verified email):
 * join, take the agent roles, mark the invitation used, log in the joined
 * workspace's chain, and name that workspace for the revision bump.
 */
async function completeAcceptance(
  ctx: CommandContext,
  inv: InvitationForAcceptance,
  actor: Actor & { id: string },
): Promise<Omit<AcceptResult, 'session'>> {
  const workspaceId = inv.workspace_id;
  const agents = agentsOf(inv);
  const grant: StoredGrant | null =
    inv.matrix || inv.preset_id
      ? { matrix: (inv.matrix as MatrixJson | null) ?? null, presetId: inv.preset_id }
      : null;
  const revision = await revisionOf(ctx.tx, workspaceId);
  const { joined, agentRoles } = await applyMembership(ctx.tx, workspaceId, actor.id, {
    role: inv.role,
    agentAccess: inv.agent_access,
    grant,
    agents,
  });
  ctx.touchWorkspace(workspaceId);
  await markAccepted(ctx.tx, workspaceId, inv.id, actor.id);
  await ctx.record({
    workspaceId,
    actor,
    action: 'invitation.accepted',
    target: { type: 'invitation', id: inv.id },
    after: { email: inv.email, joined, agentRoles },
  });
  if (joined) {
    await ctx.record({
      workspaceId,
      actor,
      action: 'member.added',
      target: { type: 'member', id: actor.id },
      after: {
        role: inv.role,
        agentAccess: inv.agent_access,
        presetId: inv.preset_id,
        agents,
        via: 'invitation',
      },
    });
  }
  const roles = await rolesOf(ctx.tx, workspaceId, actor.id);
  return { workspaceId, workspaceName: inv.workspace_name, userId: actor.id, ...roles, revision };
}

/** What accepting by link takes from the request. */
export interface AcceptInput {
  token: string;
  name?: string;
  /** The password already hashed (see {@link prepareAcceptance}): hashing stays out of the transaction. */
  passwordHash: string | null;
  principal: Principal | null;
  config: Config;
}

/**
 * Checks an acceptance request before its command runs, and hashes the new
 * account's password (slow: not inside the transaction). Without a session,
 * `name` and `password` are required to create the account.
 */
export async function prepareAcceptance(
  principal: Principal | null,
  body: { name?: string; password?: string },
): Promise<string | null> {
  if (principal?.type === 'api_key') throw problem('forbidden', 'API keys cannot accept invitations');
  if (principal) return null;
  if (body.name === undefined || body.password === undefined) {
    throw problem(
      'unauthenticated',
      'Sign in with the invited email, or send name and password to create the account',
    );
  }
  if (!body.name.trim()) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
  const weak = passwordProblem(body.password);
  if (weak) throw validationFailed([{ path: '/body/password', message: weak }]);
  return hashPassword(body.password);
}

/**
 * Accepts an invitation by its link (docs/rules.md §4): a signed-in user
 * whose email is the invited one joins; without a session, `name` and
 * password create the account with that (now proven) email and join in the
 * same transaction. Expired, revoked, used and wrong-email invitations each
 * answer their own error. Single use: the row is locked and marked accepted.
 */
export const acceptInvitation = defineCommand({
  name: 'invitations.accept',
  actions: ['auth.signed_up', 'invitation.accepted', 'member.added'],
  async run(ctx, input: AcceptInput): Promise<AcceptResult> {
    const { principal } = input;
    if (principal?.type === 'api_key') throw problem('forbidden', 'API keys cannot accept invitations');
    const inv = await byToken(ctx.tx, input.token, true);
    refuseUnusable(inv);

    if (principal) {
      if (normalizeEmail(principal.email) !== inv.email) {
        throw problem(
          'invitation_email_mismatch',
          `This invitation was sent to another address; sign in as that address`,
        );
      }
      const actor = { type: 'user' as const, id: principal.userId, name: principal.name || principal.email };
      return completeAcceptance(ctx, inv, actor);
    }

    if (await findUserByEmail(ctx.tx, inv.email)) {
      throw problem('email_taken', 'An account with this email exists: sign in, then accept');
    }
    if (input.name === undefined || input.passwordHash === null) {
      throw new Error('invitations.accept without a session needs prepareAcceptance first');
    }
    const user = await insertInvitedUser(ctx.tx, {
      email: inv.email,
      name: input.name.trim(),
      passwordHash: input.passwordHash,
    });
    const actor = { type: 'user' as const, id: user.id, name: user.name };
    await ctx.record({
      workspaceId: null,
      actor,
      action: 'auth.signed_up',
      target: { type: 'user', id: user.id },
      after: { email: inv.email, name: user.name, via: 'invitation' },
    });
    const s = await createSession(ctx.tx, input.config, {
      userId: user.id,
      ip: ctx.origin.ip,
      userAgent: ctx.origin.userAgent,
      method: 'password',
    });
    const session = { token: s.token, expiresAt: s.expiresAt, csrfToken: csrfTokenFor(s.token) };
    return { ...(await completeAcceptance(ctx, inv, actor)), session };
  },
});

/**
 * Accepts an invitation addressed to the signed-in user's email, without
 * the link: the account's verified email proves the address as the link
 * would. An unverified account must verify first (else anyone could sign up
 * with someone else's address and take their invitations).
 */
export const acceptMyInvitation = defineCommand({
  name: 'invitations.accept_mine',
  actions: ['invitation.accepted', 'member.added'],
  async run(ctx, { id, principal }: { id: string; principal: Principal | null }) {
    if (principal?.type !== 'user') throw problem('forbidden', 'Only a signed-in user accepts an invitation');
    requireUuid(id, 'invitation');
    const inv = await lockInvitationTo(ctx.tx, id, normalizeEmail(principal.email) ?? '');
    if (!inv) throw notFound('invitation');
    if (!(await emailVerifiedAt(ctx.tx, principal.userId))) {
      throw problem('forbidden', 'Verify your email address first, or open the link in the invitation email');
    }
    refuseUnusable(inv);
    const actor = { type: 'user' as const, id: principal.userId, name: principal.name || principal.email };
    return completeAcceptance(ctx, inv, actor);
  },
});
