import type { Migration } from '../migrate';

/**
 * Agent resources, billing and the help center (issue 7, docs/rules.md §2 and §4):
 * per-agent settings (persona, branding, privacy), data sources, end-user
 * feedback, conversation transcripts, share links; the workspace's billing
 * profile, payment methods (tokens only, never a card number), per-agent
 * subscription settings, invoices with line items; help-center tickets with
 * comments. Every table carries `workspace_id` (tenant first) and agent rows
 * reference `agents(workspace_id, id)` so an agent of another workspace can
 * never be attached.
 */
export const migration: Migration = {
  name: '0005_resources',
  statements: [
    `CREATE TABLE agent_settings (
      agent_id uuid PRIMARY KEY,
      workspace_id uuid NOT NULL,
      persona text NOT NULL DEFAULT '',
      branding jsonb NOT NULL DEFAULT '{}',
      retention_days integer NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650),
      pii_redaction boolean NOT NULL DEFAULT false,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,

    `CREATE TABLE data_sources (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      agent_id uuid NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('url', 'file', 'text')),
      location text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
      added_by uuid,
      added_by_name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,
    `CREATE INDEX data_sources_agent_idx ON data_sources (workspace_id, agent_id, created_at)`,

    `CREATE TABLE conversations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      agent_id uuid NOT NULL,
      external_id text NOT NULL,
      channel text NOT NULL DEFAULT 'chat' CHECK (channel IN ('chat', 'voice', 'sms', 'api')),
      end_user text,
      messages jsonb NOT NULL,
      recording_url text,
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agent_id, external_id),
      UNIQUE (workspace_id, id),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,
    `CREATE INDEX conversations_agent_idx ON conversations (workspace_id, agent_id, started_at DESC)`,

    `CREATE TABLE feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      agent_id uuid NOT NULL,
      conversation_id uuid,
      message_ref text,
      rating text NOT NULL CHECK (rating IN ('up', 'down')),
      comment text NOT NULL DEFAULT '',
      resolved boolean NOT NULL DEFAULT false,
      resolution_note text NOT NULL DEFAULT '',
      resolved_by uuid,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE SET NULL (conversation_id)
    )`,
    `CREATE INDEX feedback_agent_idx ON feedback (workspace_id, agent_id, created_at DESC)`,

    `CREATE TABLE share_links (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      agent_id uuid NOT NULL,
      name text NOT NULL,
      slug text NOT NULL UNIQUE,
      authorized_domains jsonb NOT NULL DEFAULT '[]',
      enabled boolean NOT NULL DEFAULT true,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
    )`,
    `CREATE INDEX share_links_agent_idx ON share_links (workspace_id, agent_id)`,

    `CREATE TABLE billing_profiles (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      org_name text NOT NULL,
      invoice_emails jsonb NOT NULL DEFAULT '[]',
      default_payment_method_id uuid,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE payment_methods (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      provider text NOT NULL,
      provider_token text NOT NULL,
      brand text NOT NULL,
      last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
      exp_month integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
      exp_year integer NOT NULL,
      holder_name text NOT NULL DEFAULT '',
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, id)
    )`,

    // One row per paid agent holding what billing adds to it (payment method,
    // overage setting, activation time). Plan and status come from the agent
    // row itself so the two can never disagree.
    `CREATE TABLE subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      agent_id uuid NOT NULL UNIQUE,
      payment_method_id uuid,
      overage text NOT NULL DEFAULT 'prevent' CHECK (overage IN ('allow', 'prevent')),
      activated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, payment_method_id) REFERENCES payment_methods(workspace_id, id) ON DELETE SET NULL (payment_method_id)
    )`,

    `CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      number text NOT NULL,
      period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      status text NOT NULL CHECK (status IN ('open', 'paid', 'void')),
      currency text NOT NULL DEFAULT 'usd',
      subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
      total_cents bigint NOT NULL CHECK (total_cents >= 0),
      bill_to jsonb NOT NULL,
      payment_method_id uuid,
      payment_reference text,
      issued_at timestamptz NOT NULL DEFAULT now(),
      paid_at timestamptz,
      UNIQUE (workspace_id, number),
      UNIQUE (workspace_id, period)
    )`,
    `CREATE TABLE invoice_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL,
      position integer NOT NULL,
      agent_id uuid,
      description text NOT NULL,
      quantity integer NOT NULL CHECK (quantity >= 0),
      unit_cents bigint NOT NULL CHECK (unit_cents >= 0),
      amount_cents bigint NOT NULL CHECK (amount_cents = quantity * unit_cents)
    )`,
    `CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, position)`,

    `CREATE TABLE tickets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
      agent_id uuid,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE SET NULL (agent_id)
    )`,
    `CREATE INDEX tickets_workspace_idx ON tickets (workspace_id, created_at DESC)`,
    `CREATE INDEX tickets_creator_idx ON tickets (workspace_id, created_by, created_at DESC)`,
    `CREATE TABLE ticket_comments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ticket_id uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL,
      author_id uuid,
      author_name text NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, created_at)`,
  ],
};
