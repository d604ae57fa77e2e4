import type { Migration } from '../migrate';

/**
 * Core tables shared by every module: accounts, workspaces and their members,
 * agents and agent roles, presets (with versions), policies, API keys, the
 * activity log and the email outbox. Identity, invitations and the rest add
 * their own migrations after this one.
 */
export const migration: Migration = {
  name: '0001_core',
  statements: [
    `CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL,
      avatar_url text,
      password_hash text,
      email_verified_at timestamptz,
      last_active_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email)))
    )`,
    `CREATE UNIQUE INDEX users_email_key ON users (email)`,

    `CREATE TABLE workspaces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      revision bigint NOT NULL DEFAULT 1,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE workspace_members (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('admin', 'member')),
      agent_access text NOT NULL DEFAULT 'assigned' CHECK (agent_access IN ('all', 'assigned')),
      matrix jsonb,
      preset_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, user_id)
    )`,
    `CREATE INDEX workspace_members_user_idx ON workspace_members (user_id)`,

    `CREATE TABLE agents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      plan text NOT NULL CHECK (plan IN ('starter', 'pro', 'enterprise')),
      status text NOT NULL CHECK (status IN ('approved', 'pending_approval', 'rejected')),
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, id)
    )`,
    `CREATE INDEX agents_workspace_idx ON agents (workspace_id, created_at)`,

    `CREATE TABLE agent_members (
      agent_id uuid NOT NULL,
      workspace_id uuid NOT NULL,
      user_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('agent_admin', 'agent_user')),
      matrix jsonb,
      preset_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agent_id, user_id),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, user_id) REFERENCES workspace_members(workspace_id, user_id) ON DELETE CASCADE
    )`,
    `CREATE INDEX agent_members_member_idx ON agent_members (workspace_id, user_id)`,

    `CREATE TABLE presets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      matrix jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, name)
    )`,
    `CREATE TABLE preset_versions (
      preset_id uuid NOT NULL REFERENCES presets(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      matrix jsonb NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (preset_id, version)
    )`,

    `CREATE TABLE workspace_policies (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      named jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE policy_caps (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      permission text NOT NULL,
      max_level text NOT NULL CHECK (max_level IN ('none', 'read', 'edit')),
      agent_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,
    `CREATE INDEX policy_caps_workspace_idx ON policy_caps (workspace_id)`,

    `CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      secret_hash text NOT NULL UNIQUE,
      matrix jsonb,
      preset_id text,
      agent_id uuid,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,
    `CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id)`,

    // The activity log has no foreign keys on purpose: entries outlive what
    // they describe (a deleted member, agent or workspace stays audited).
    `CREATE TABLE activity_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      workspace_id uuid,
      seq bigint NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
      actor_id text,
      actor_name text,
      action text NOT NULL,
      target_type text,
      target_id text,
      agent_id uuid,
      before jsonb,
      after jsonb,
      ip text,
      user_agent text,
      request_id text,
      created_at timestamptz NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`,
    `CREATE UNIQUE INDEX activity_log_chain_idx ON activity_log (coalesce(workspace_id, '00000000-0000-0000-0000-000000000000'::uuid), seq)`,
    `CREATE INDEX activity_log_ws_time_idx ON activity_log (workspace_id, id DESC)`,
    `CREATE FUNCTION activity_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'activity_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
    `CREATE TRIGGER activity_log_no_update BEFORE UPDATE OR DELETE ON activity_log
      FOR EACH ROW EXECUTE FUNCTION activity_log_append_only()`,
    `CREATE TRIGGER activity_log_no_truncate BEFORE TRUNCATE ON activity_log
      FOR EACH STATEMENT EXECUTE FUNCTION activity_log_append_only()`,

    `CREATE TABLE outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      idempotency_key text NOT NULL UNIQUE,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text NOT NULL,
      template text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending'`,
  ],
};
