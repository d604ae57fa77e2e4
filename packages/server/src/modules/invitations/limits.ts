import type { CommandContext } from '../../command/command';
import { problem } from '../../errors';
import type { InvitationSettings } from './commands/link';
import { emailVerifiedAt } from './membership-repo';
import { recentInvitationEmails, recentResends } from './repo';

/**
 * "No mail cannon" (issue 14; docs/security.md): invitation emails go out
 * only from people who proved their own address, and at a bounded rate per
 * workspace, per inviter and per invitation. The counts come from the
 * activity log (every invitation email is one `invitation.created`,
 * `invitation.updated` or `invitation.resent` entry), so every instance sees
 * the same numbers. A refusal is 429 `rate_limited` with `Retry-After`.
 */
const HOUR_S = 3600;

/** Refuses an inviter whose own email address is not verified. */
export async function requireVerifiedInviter(ctx: CommandContext): Promise<void> {
  if (ctx.userId && !(await emailVerifiedAt(ctx.tx, ctx.userId))) {
    throw problem(
      'email_unverified',
      'Confirm your own email address before sending invitations: open the link we emailed you, or ask for a new one from your account page',
    );
  }
}

function limited(what: string, oldest: Date | null): never {
  const age = oldest ? Math.floor((Date.now() - oldest.getTime()) / 1000) : 0;
  const retryAfter = Math.max(1, HOUR_S - age);
  throw problem('rate_limited', `${what}; try again in ${Math.ceil(retryAfter / 60)} minutes`, {
    retryAfter,
  });
}

/** Refuses sending `count` more invitation emails when a workspace or inviter limit would be passed. */
export async function assertInvitationBudget(
  ctx: CommandContext,
  settings: InvitationSettings,
  count: number,
): Promise<void> {
  if (count === 0 || !ctx.workspaceId) return;
  const ws = await recentInvitationEmails(ctx.tx, { workspaceId: ctx.workspaceId });
  if (ws.count + count > settings.invitationEmailsPerWorkspaceHour) {
    limited(
      `This workspace has sent ${ws.count} invitation emails in the last hour (limit ${settings.invitationEmailsPerWorkspaceHour})`,
      ws.oldest,
    );
  }
  if (ctx.actor.id) {
    const mine = await recentInvitationEmails(ctx.tx, { actorId: ctx.actor.id });
    if (mine.count + count > settings.invitationEmailsPerInviterHour) {
      limited(
        `You have sent ${mine.count} invitation emails in the last hour (limit ${settings.invitationEmailsPerInviterHour})`,
        mine.oldest,
      );
    }
  }
}

/** Refuses a resend past the per-invitation hourly limit. */
export async function assertResendBudget(
  ctx: CommandContext,
  settings: InvitationSettings,
  invitationId: string,
): Promise<void> {
  if (!ctx.workspaceId) return;
  const recent = await recentResends(ctx.tx, ctx.workspaceId, invitationId);
  if (recent.count >= settings.invitationResendsPerHour) {
    limited(
      `This invitation was resent ${recent.count} times in the last hour (limit ${settings.invitationResendsPerHour})`,
      recent.oldest,
    );
  }
}
