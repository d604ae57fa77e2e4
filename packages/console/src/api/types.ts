/**
 * The shapes the console reads from the API (SPEC §6). Permission names,
 * levels and matrices come from `@atrium/policy`, the same pure package the
 * server decides with (ARCHITECTURE convention 1).
 *
 * @module
 */
import type { Capability, Level, Matrix, Permission } from '@atrium/policy';

export type WorkspaceRole = 'admin' | 'member';
export type AgentRole = 'agent_admin' | 'agent_user';
type AgentAccess = 'all' | 'assigned';
export type AgentPlan = 'starter' | 'pro' | 'enterprise';
export type AgentStatus = 'approved' | 'pending_approval' | 'rejected';

/** What the caller may do, as the server computed it (ARCHITECTURE convention 5). */
type Can = Partial<Record<Capability, boolean>>;

export interface Me {
  id: string;
  email: string;
  name: string;
  avatarUrl?: string | null;
  emailVerified?: boolean;
  emailVerifiedAt?: string | null;
  csrfToken?: string;
}

export interface Workspace {
  id: string;
  name: string;
  role: WorkspaceRole;
  revision: number;
  createdAt: string;
  can: Can;
}

interface MemberAgent {
  agentId: string;
  name?: string;
  agentName?: string;
  role: AgentRole;
  matrix?: Matrix | null;
  presetId?: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  avatarUrl?: string | null;
  role: WorkspaceRole;
  agentAccess: AgentAccess;
  matrix: Matrix | null;
  presetId: string | null;
  agents?: MemberAgent[];
  lastActivityAt?: string | null;
  lastActiveAt?: string | null;
  /** What the caller may do to this member (SPEC §4: never to themselves). */
  can?: { edit?: boolean; changeRole?: boolean; remove?: boolean };
  joinedAt?: string | null;
  createdAt?: string | null;
}

export interface Agent {
  id: string;
  name: string;
  /** Null when the caller may not see the plan (not an agent admin: SPEC §2). */
  plan: AgentPlan | null;
  status: AgentStatus | null;
  myRole?: AgentRole | null;
  createdAt?: string;
  createdBy?: string | null;
  memberCount?: number;
  can?: Can;
}

export interface AgentMember {
  userId: string;
  email: string;
  name: string;
  role: AgentRole;
  matrix: Matrix | null;
  presetId: string | null;
}

export interface Invitation {
  id: string;
  email: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  role?: WorkspaceRole;
  agents?: Array<{ agentId: string; role: AgentRole; name?: string }>;
  agentIds?: string[];
  matrix?: Matrix | null;
  presetId?: string | null;
  invitedBy?: { id: string; name: string; email?: string } | string | null;
  expiresAt?: string;
  createdAt?: string;
}

export interface InvitationLookup {
  email: string;
  status: string;
  workspace?: { id: string; name: string } | null;
  workspaceName?: string;
  inviter?: { name: string; email?: string } | string | null;
  invitedBy?: { name: string; email?: string } | string | null;
  accountExists?: boolean;
  expiresAt?: string;
}

export interface PresetView {
  id: string;
  name: string;
  description: string;
  matrix: Matrix;
  builtin?: boolean;
  builtIn?: boolean;
  kind?: 'builtin' | 'custom';
  version?: number;
  updatedAt?: string;
}

export interface PresetVersion {
  version: number;
  name: string;
  description: string;
  matrix: Matrix;
  createdAt?: string;
  createdBy?: string | null;
}

export interface GenericCap {
  id?: string;
  permission: Permission;
  maxLevel: Level;
  agentId?: string | null;
}

export interface Policies {
  named?: string[];
  embedding_disabled?: boolean;
  conversations_hidden?: boolean;
  security_enforced?: boolean;
  policies?: Record<string, boolean>;
  caps: GenericCap[];
  revision?: number;
}

/** One grant that contributed to a level (explain() from @atrium/policy, as the server returns it). */
export interface GrantContributionView {
  source: string;
  level: Level;
  presetId?: string;
  agentId?: string;
  presetName?: string;
  agentName?: string;
}

export interface ExplanationView {
  permission: Permission;
  level: Level;
  uncapped?: Level;
  grants: GrantContributionView[];
  cap: { permission: string; maxLevel: Level; agentId?: string | null; source: string } | null;
  reason: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  matrix?: Matrix | null;
  presetId?: string | null;
  agentId?: string | null;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
  createdAt?: string;
}

export interface ActivityEntry {
  id: string;
  seq?: number;
  action: string;
  actor?: { type: string; id: string | null; name: string | null } | null;
  actorType?: string;
  actorId?: string | null;
  actorName?: string | null;
  target?: { type: string | null; id: string | null } | null;
  targetType?: string | null;
  targetId?: string | null;
  agentId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  createdAt: string;
}

export interface MailMessage {
  id: string;
  to?: string;
  toAddress?: string;
  subject: string;
  template?: string;
  text?: string;
  textBody?: string;
  html?: string;
  htmlBody?: string;
  status?: string;
  createdAt?: string;
}
