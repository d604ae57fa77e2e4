import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AgentSettingsTable,
  BillingProfilesTable,
  ConversationsTable,
  DataSourcesTable,
  FeedbackTable,
  InvoiceLinesTable,
  InvoicesTable,
  PaymentMethodsTable,
  ShareLinksTable,
  SubscriptionsTable,
  TicketCommentsTable,
  TicketsTable,
} from './schema-resources';

/**
 * The database as kysely sees it. One interface per table, named after the
 * table; columns in snake_case as in SQL. Each module adds its tables here and
 * a migration under `migrations/`.
 */

/** A timestamptz read as a Date; optional on insert (the column defaults to now() or is set by the code). */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** jsonb columns: written as JSON text or objects, read back parsed. */
export type Json<T> = ColumnType<T, T | string, T | string>;
export type NullableJson<T> = ColumnType<T | null, T | string | null | undefined, T | string | null>;

export type WorkspaceRoleColumn = 'admin' | 'member';
export type AgentRoleColumn = 'agent_admin' | 'agent_user';
export type AgentPlan = 'starter' | 'pro' | 'enterprise';
export type AgentStatus = 'approved' | 'pending_approval' | 'rejected';
/** Per-item matrix as stored: `{ "build.knowledge": "edit" }` (absent = none). */
export type MatrixJson = Record<string, 'none' | 'read' | 'edit'>;

export interface UsersTable {
  id: Generated<string>;
  /** Trimmed and lower-cased; unique. */
  email: string;
  name: string;
  avatar_url: string | null;
  /** scrypt/argon2 PHC string; null for SSO-only accounts. Never leaves the server. */
  password_hash: string | null;
  email_verified_at: NullableTimestamp;
  last_active_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  /** Bumped in the same transaction as every change to access (docs/rules.md §3). */
  revision: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRoleColumn;
  agent_access: 'all' | 'assigned';
  matrix: NullableJson<MatrixJson>;
  preset_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  plan: AgentPlan;
  status: AgentStatus;
  created_by: string | null;
  /** Who last asked for a paid plan (0003); they can never approve it themselves. */
  approval_requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgentMembersTable {
  agent_id: string;
  workspace_id: string;
  user_id: string;
  role: AgentRoleColumn;
  matrix: NullableJson<MatrixJson>;
  preset_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PresetsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: string;
  matrix: Json<MatrixJson>;
  version: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Every version of a custom preset is kept so two can be compared (docs/rules.md §2). */
export interface PresetVersionsTable {
  preset_id: string;
  workspace_id: string;
  version: number;
  name: string;
  description: string;
  matrix: Json<MatrixJson>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface WorkspacePoliciesTable {
  workspace_id: string;
  /** Named policies switched on: embedding_disabled, conversations_hidden, security_enforced. */
  named: Json<string[]>;
  updated_at: Timestamp;
}

export interface PolicyCapsTable {
  id: Generated<string>;
  workspace_id: string;
  permission: string;
  max_level: 'none' | 'read' | 'edit';
  agent_id: string | null;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  /** Visible prefix of the secret (e.g. `atr_AbCd1234`), for recognising a key. */
  prefix: string;
  /** SHA-256 of the whole secret; the secret itself is shown once and never stored. */
  secret_hash: string;
  matrix: NullableJson<MatrixJson>;
  preset_id: string | null;
  /** Agent scope: null = every agent of the workspace. */
  agent_id: string | null;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** The key's creator; the key works only while they are an admin of the workspace, unless `service_key`. */
  created_by: string | null;
  /** Transferred to the workspace (docs/rules.md §4 "API keys"): no longer bound to its creator. */
  service_key: Generated<boolean>;
  created_at: Timestamp;
}

export type ActorType = 'user' | 'api_key' | 'system';

/** Append-only (a trigger refuses UPDATE and DELETE) and hash-chained per workspace. */
export interface ActivityLogTable {
  id: Generated<string>;
  /** Null for account-level events (sign-in, password change) outside any workspace. */
  workspace_id: string | null;
  /** Position in the workspace's chain (1, 2, …); the global chain uses workspace_id null. */
  seq: number;
  actor_type: ActorType;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  agent_id: string | null;
  before: NullableJson<unknown>;
  after: NullableJson<unknown>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: Timestamp;
  prev_hash: string;
  hash: string;
}

/** Transactional outbox for email: written with the change, delivered by the mail worker. */
export interface OutboxTable {
  id: Generated<string>;
  idempotency_key: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** Template name (invitation, verify_email, reset_password, …) for tests and the dev mailbox. */
  template: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: NullableTimestamp;
  created_at: Timestamp;
}

/** A signed-in browser (issue 4). The cookie holds the token; only its SHA-256 is stored. */
export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** Absolute expiry; idle expiry is `last_seen_at` + the idle timeout. */
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  method: Generated<'password' | 'sso'>;
  revoked_at: NullableTimestamp;
}

/** Single-use emailed link tokens (verification, password reset), stored hashed. */
export interface EmailTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  /** The address the link was sent to (verification proves this one). */
  email: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** An OpenID Connect identity (issuer + subject) linked to an account. */
export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  email: string;
  created_at: Timestamp;
  last_sign_in_at: Timestamp;
}

/** An SSO sign-in in progress: PKCE verifier and nonce, keyed by the state's hash. */
export interface SsoFlowsTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  return_to: string | null;
  expires_at: Timestamp;
  created_at: Timestamp;
}

/** Failed sign-ins per email address in the current window (per-account limit). */
export interface SignInFailuresTable {
  email: string;
  failures: Generated<number>;
  window_started_at: Timestamp;
}

/** One invitation in an agent invitation: which agent, which agent role, which grant. */
export interface InvitationAgentJson {
  agentId: string;
  role: AgentRoleColumn;
  matrix: MatrixJson | null;
  presetId: string | null;
}

/** Invitations to a workspace or to chosen agents (migration 0003, docs/rules.md §4). */
export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  /** Trimmed and lower-cased. */
  email: string;
  role: WorkspaceRoleColumn;
  agent_access: 'all' | 'assigned';
  matrix: NullableJson<MatrixJson>;
  preset_id: string | null;
  agents: Json<InvitationAgentJson[]>;
  /** `workspace`, or `agents:<sorted agent ids>`: one pending invitation per email and target. */
  target_key: string;
  /** SHA-256 of the link's token; null once used or revoked. Never returned. */
  token_hash: string | null;
  status: Generated<'pending' | 'accepted' | 'revoked'>;
  invited_by: string | null;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_by: string | null;
  revoked_at: NullableTimestamp;
  sent_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Per-workspace activity-log settings (migration 0004). */
export interface ActivitySettingsTable {
  workspace_id: string;
  /** Entries older than this many days are purged; null keeps them forever. */
  retention_days: number | null;
  updated_at: Timestamp;
}

/** Where a chain starts after a purge: seq and hash of the last purged entry. Insert-only. */
export interface ActivityCheckpointsTable {
  id: Generated<number>;
  workspace_id: string | null;
  seq: number;
  hash: string;
  purged_count: number;
  created_at: Timestamp;
}

/** Signed seals of chain heads (migration 0007, audit/seal.ts). Insert-only. */
export interface ActivitySealsTable {
  id: Generated<number>;
  workspace_id: string | null;
  seq: number;
  hash: string;
  key_id: string;
  signature: string;
  created_at: Timestamp;
}

export * from './schema-resources';

export interface DB {
  users: UsersTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  agents: AgentsTable;
  agent_members: AgentMembersTable;
  presets: PresetsTable;
  preset_versions: PresetVersionsTable;
  workspace_policies: WorkspacePoliciesTable;
  policy_caps: PolicyCapsTable;
  api_keys: ApiKeysTable;
  activity_log: ActivityLogTable;
  outbox: OutboxTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  oidc_identities: OidcIdentitiesTable;
  sso_flows: SsoFlowsTable;
  sign_in_failures: SignInFailuresTable;
  invitations: InvitationsTable;
  activity_settings: ActivitySettingsTable;
  activity_checkpoints: ActivityCheckpointsTable;
  activity_seals: ActivitySealsTable;
  agent_settings: AgentSettingsTable;
  data_sources: DataSourcesTable;
  conversations: ConversationsTable;
  feedback: FeedbackTable;
  share_links: ShareLinksTable;
  billing_profiles: BillingProfilesTable;
  payment_methods: PaymentMethodsTable;
  subscriptions: SubscriptionsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  tickets: TicketsTable;
  ticket_comments: TicketCommentsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Workspace = Selectable<WorkspacesTable>;
export type WorkspaceMember = Selectable<WorkspaceMembersTable>;
export type Agent = Selectable<AgentsTable>;
export type AgentMember = Selectable<AgentMembersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type ActivityEntry = Selectable<ActivityLogTable>;
export type Session = Selectable<SessionsTable>;
