import type { ColumnType, Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from './schema';

/** Tables of agent resources, billing and the help center (migration 0005). */

/** Per-agent settings (migration 0005): persona, widget branding, privacy. */
export interface AgentSettingsTable {
  agent_id: string;
  workspace_id: string;
  persona: Generated<string>;
  branding: Json<{ primaryColor?: string; accentColor?: string; logoUrl?: string | null }>;
  retention_days: Generated<number>;
  pii_redaction: Generated<boolean>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface DataSourcesTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  name: string;
  kind: 'url' | 'file' | 'text';
  location: string | null;
  status: Generated<'pending' | 'processing' | 'ready' | 'failed'>;
  added_by: string | null;
  added_by_name: string | null;
  created_at: Timestamp;
}

/** One message of a transcript as stored. */
export interface TranscriptMessageJson {
  role: 'user' | 'agent';
  text: string;
  at?: string;
}

export interface ConversationsTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  external_id: string;
  channel: 'chat' | 'voice' | 'sms' | 'api';
  end_user: string | null;
  messages: Json<TranscriptMessageJson[]>;
  recording_url: string | null;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface FeedbackTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  conversation_id: string | null;
  message_ref: string | null;
  rating: 'up' | 'down';
  comment: Generated<string>;
  resolved: Generated<boolean>;
  resolution_note: Generated<string>;
  resolved_by: string | null;
  resolved_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface ShareLinksTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  name: string;
  slug: string;
  authorized_domains: Json<string[]>;
  enabled: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BillingProfilesTable {
  workspace_id: string;
  org_name: string;
  invoice_emails: Json<string[]>;
  default_payment_method_id: string | null;
  updated_at: Timestamp;
}

/** A tokenized card: never the number, only what a receipt shows plus the provider's token. */
export interface PaymentMethodsTable {
  id: Generated<string>;
  workspace_id: string;
  provider: string;
  /** The provider's reference to the card; not a secret that grants anything outside the provider. Never returned. */
  provider_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  holder_name: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface SubscriptionsTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  payment_method_id: string | null;
  overage: Generated<'allow' | 'prevent'>;
  activated_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvoicesTable {
  id: Generated<string>;
  workspace_id: string;
  number: string;
  /** `YYYY-MM`. */
  period: string;
  status: 'open' | 'paid' | 'void';
  currency: Generated<string>;
  subtotal_cents: ColumnType<string | number, number, number>;
  total_cents: ColumnType<string | number, number, number>;
  bill_to: Json<{ name: string; emails: string[] }>;
  payment_method_id: string | null;
  payment_reference: string | null;
  issued_at: Timestamp;
  paid_at: NullableTimestamp;
}

export interface InvoiceLinesTable {
  id: Generated<string>;
  invoice_id: string;
  workspace_id: string;
  position: number;
  agent_id: string | null;
  description: string;
  quantity: number;
  unit_cents: ColumnType<string | number, number, number>;
  amount_cents: ColumnType<string | number, number, number>;
}

export interface TicketsTable {
  id: Generated<string>;
  workspace_id: string;
  subject: string;
  body: string;
  status: Generated<'open' | 'pending' | 'closed'>;
  agent_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketCommentsTable {
  id: Generated<string>;
  ticket_id: string;
  workspace_id: string;
  author_id: string | null;
  author_name: string;
  body: string;
  created_at: Timestamp;
}
