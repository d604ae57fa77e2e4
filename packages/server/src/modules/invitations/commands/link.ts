import { randomToken, sha256 } from '../../../auth/tokens';
import type { Config } from '../../../config';

/** What sending an invitation needs from the configuration. */
export type InvitationSettings = Pick<
  Config,
  | 'publicUrl'
  | 'invitationTtlDays'
  | 'invitationEmailsPerWorkspaceHour'
  | 'invitationEmailsPerInviterHour'
  | 'invitationResendsPerHour'
>;

const DAY_MS = 86_400_000;

/**
 * A new single-use link (docs/rules.md §4 "Invitations"): the token goes in
 * the email only, its hash in the row; it expires after INVITATION_TTL_DAYS.
 */
export function newInvitationLink(settings: InvitationSettings) {
  const token = randomToken();
  return {
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + settings.invitationTtlDays * DAY_MS),
    url: `${settings.publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`,
  };
}
