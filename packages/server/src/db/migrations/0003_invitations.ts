import type { Migration } from '../migrate';

/**
 * Invitations (docs/rules.md §4): to a workspace or to chosen agents, with a role and
 * a matrix or preset. The link's token is stored hashed (SHA-256) and dies
 * when the invitation is resent, revoked or used. At most one pending
 * invitation per (workspace, email, target): inviting again updates it.
 *
 * Also records, on agents, who last asked for a paid plan, so that person can
 * never approve it themselves (docs/rules.md §2, "never an agent admin acting on their
 * own agent").
 */
export const migration: Migration = {
  name: '0003_invitations',
  statements: [
    `CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'member')),
      agent_access text NOT NULL DEFAULT 'assigned' CHECK (agent_access IN ('all', 'assigned')),
      matrix jsonb,
      preset_id text,
      agents jsonb NOT NULL DEFAULT '[]',
      target_key text NOT NULL,
      token_hash text UNIQUE,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked')),
      invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
      revoked_at timestamptz,
      sent_count integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invitations_email_normalised CHECK (email = lower(btrim(email)))
    )`,
    `CREATE UNIQUE INDEX invitations_pending_target_key ON invitations (workspace_id, email, target_key) WHERE status = 'pending'`,
    `CREATE INDEX invitations_workspace_idx ON invitations (workspace_id, created_at DESC)`,
    `CREATE INDEX invitations_email_idx ON invitations (email) WHERE status = 'pending'`,
    `ALTER TABLE agents ADD COLUMN approval_requested_by uuid REFERENCES users(id) ON DELETE SET NULL`,
  ],
};
