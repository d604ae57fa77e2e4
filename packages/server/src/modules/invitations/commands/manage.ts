import { type CommandContext, defineCommand } from '../../../command/command';
import { notFound, problem } from '../../../errors';
import { isoOf } from '../../../http/present';
import { requireUuid } from '../../../ids';
import { enqueueEmail } from '../../../mail/outbox';
import { assertInvitationBudget, assertResendBudget, requireVerifiedInviter } from '../limits';
import { agentsOf, manages, presentInvitation, statusOf } from '../queries';
import { findInvitation, markRevoked, renewInvitation, workspaceAndAgentNames } from '../repo';
import { invitationTemplate } from '../templates';
import { type InvitationSettings, newInvitationLink } from './link';

/** Resending and revoking an invitation (docs/rules.md §4 "Invitations"), by those who manage it. */

/** The invitation, locked, if the caller manages it; one they do not manage is as invisible as none. */
async function managedInvitation(ctx: CommandContext, id: string) {
  const state = ctx.state;
  if (!state || !ctx.subject) throw new Error('invitation commands run in a workspace scope');
  requireUuid(id, 'invitation');
  const row = await findInvitation(ctx.tx, state.workspaceId, id, true);
  if (!row || !manages(state, ctx.subject, agentsOf(row))) throw notFound('invitation');
  return { row, workspaceId: state.workspaceId };
}

const invitationTarget = (input: { id: string }) => ({ type: 'invitation', id: input.id });

/** Resends an invitation with a new token and a new expiry; the old link dies (docs/rules.md §4). */
export const resendInvitation = defineCommand({
  name: 'invitations.resend',
  actions: ['invitation.resent'],
  target: invitationTarget,
  async run(ctx, { id, settings }: { id: string; settings: InvitationSettings }) {
    const { row, workspaceId } = await managedInvitation(ctx, id);
    if (row.status === 'accepted') throw problem('invitation_used');
    if (row.status === 'revoked') throw problem('invitation_revoked');
    await requireVerifiedInviter(ctx);
    await assertResendBudget(ctx, settings, row.id);
    await assertInvitationBudget(ctx, settings, 1);
    const link = newInvitationLink(settings);
    const sent = await renewInvitation(ctx.tx, workspaceId, row.id, link.tokenHash, link.expiresAt);
    const label = await workspaceAndAgentNames(
      ctx.tx,
      workspaceId,
      agentsOf(row).map((a) => a.agentId),
    );
    const mail = invitationTemplate({
      inviter: ctx.actor.name ?? 'Someone',
      workspace: label.workspace,
      agents: label.agents,
      url: link.url,
      expiresInDays: settings.invitationTtlDays,
    });
    await enqueueEmail(ctx.tx, { to: row.email, ...mail, idempotencyKey: `invitation:${row.id}:${sent}` });
    await ctx.record({
      action: 'invitation.resent',
      target: { type: 'invitation', id: row.id },
      before: { expiresAt: isoOf(row.expires_at) },
      after: { email: row.email, expiresAt: link.expiresAt },
    });
    const fresh = await findInvitation(ctx.tx, workspaceId, row.id);
    if (!fresh) throw notFound('invitation');
    return presentInvitation(fresh);
  },
});

/** Revokes a pending invitation: its link stops working at once (410 `invitation_revoked`). */
export const revokeInvitation = defineCommand({
  name: 'invitations.revoke',
  actions: ['invitation.revoked'],
  target: invitationTarget,
  async run(ctx, { id }: { id: string }) {
    const { row, workspaceId } = await managedInvitation(ctx, id);
    if (row.status === 'accepted')
      throw problem('invitation_used', 'This invitation was accepted: remove the member instead');
    if (row.status === 'pending') {
      await markRevoked(ctx.tx, workspaceId, row.id);
      await ctx.record({
        action: 'invitation.revoked',
        target: { type: 'invitation', id: row.id },
        before: { email: row.email, status: statusOf(row) },
        after: { status: 'revoked' },
      });
    }
    return { id: row.id, status: 'revoked' as const };
  },
});
