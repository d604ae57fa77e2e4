import type { Migration } from '../migrate';

/**
 * Invitation sending limits (issue 14, "no mail cannon"): the hourly counts
 * per workspace and per inviter are read from the activity log; these small
 * partial indexes hold only the entries that stand for an invitation email,
 * so a count is an index range scan whatever the size of the log.
 */
export const migration: Migration = {
  name: '0006_invitation_limits',
  statements: [
    `CREATE INDEX activity_log_invitation_emails_ws_idx ON activity_log (workspace_id, created_at)
      WHERE action IN ('invitation.created', 'invitation.updated', 'invitation.resent')`,
    `CREATE INDEX activity_log_invitation_emails_actor_idx ON activity_log (actor_id, created_at)
      WHERE action IN ('invitation.created', 'invitation.updated', 'invitation.resent')`,
  ],
};
