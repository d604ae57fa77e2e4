import type { Migration } from '../migrate';

/**
 * The verification email limit (issue 14, "no mail cannon"): the hourly
 * count per account is read from the global chain's
 * `auth.verification_email_sent` entries; this partial index holds only
 * those, so a count is an index range scan whatever the size of the log.
 */
export const migration: Migration = {
  name: '0009_verification_email_limit',
  statements: [
    `CREATE INDEX activity_log_verification_emails_idx ON activity_log (target_id, created_at)
      WHERE action = 'auth.verification_email_sent' AND workspace_id IS NULL`,
  ],
};
