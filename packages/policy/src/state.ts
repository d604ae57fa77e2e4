/**
 * The data a decision is made from: one workspace's members, agents, API
 * keys, custom presets and caps, loaded BEFORE deciding (the decision itself
 * does no I/O).
 *
 * Extension point for time-bound grants (docs/rules.md §7): a {@link Grant} is the one
 * place a principal receives levels, so validity would slot in there as
 * `validFrom?: string | null; validUntil?: string | null` plus a `now` field
 * on {@link Query}; {@link resolveGrant} would then return the empty matrix
 * outside the window, and the compiled index would record the next instant at
 * which any grant starts or ends so it can be rebuilt then. Other principals
 * (groups, AI agents acting for a person) extend {@link Subject}.
 *
 * @module
 */

import type { Permission } from './catalog';
import { EMPTY_MATRIX, type Matrix } from './matrix';
import type { Cap } from './policies';
import { BUILTIN_PRESETS, isBuiltinPresetId } from './presets';

/**
 * What a principal is granted: a matrix, or a linked preset (built-in id or a
 * custom preset id looked up in {@link WorkspaceState.presets}). A linked
 * preset REPLACES the matrix; a preset id that does not exist resolves to the
 * empty matrix.
 */
export interface Grant {
  /** The principal's own matrix (ignored when a preset is linked). */
  matrix?: Matrix | null;
  /** A linked preset id; wins over `matrix`. */
  presetId?: string | null;
}

/** Workspace role (docs/rules.md §1). */
export type WorkspaceRole = 'admin' | 'member';

/** Agent role, per agent (docs/rules.md §1). */
export type AgentRole = 'agent_admin' | 'agent_user';

/** Which agents a member sees: every agent, or only those they hold a role on. */
export type AgentAccess = 'all' | 'assigned';

/** One workspace membership. */
export interface MemberState {
  /** The user. */
  userId: string;
  /** Workspace role. */
  role: WorkspaceRole;
  /** `'all'` gives access to every agent; `'assigned'` (default) only to agents with a role. */
  agentAccess: AgentAccess;
  /** The workspace grant (workspace matrix or linked preset). */
  grant: Grant;
}

/** One agent membership (a role on one agent). */
export interface AgentMemberState {
  /** The user (also a workspace member). */
  userId: string;
  /** Agent role. */
  role: AgentRole;
  /** The agent grant (matrix or linked preset) on this agent. */
  grant: Grant;
}

/** One agent of the workspace and its members. */
export interface AgentState {
  /** The agent. */
  agentId: string;
  /** Agent memberships by user id. */
  members: ReadonlyMap<string, AgentMemberState>;
}

/** One API key: a machine identity with its own grant. Never an admin. */
export interface ApiKeyState {
  /** The key id (not the secret). */
  apiKeyId: string;
  /** The key's own grant (never its creator's). */
  grant: Grant;
  /** Scope: `null` = every agent of the workspace; otherwise only that agent. */
  agentId: string | null;
}

/** Everything the decision needs about one workspace, at one revision. */
export interface WorkspaceState {
  /** The workspace. */
  workspaceId: string;
  /** Revision of the access state (bumped by every write that changes access). */
  revision: number;
  /** Members by user id. */
  members: ReadonlyMap<string, MemberState>;
  /** Agents of THIS workspace by id; an agent not in here does not exist for the decision. */
  agents: ReadonlyMap<string, AgentState>;
  /** Live (unrevoked, unexpired) API keys by id. */
  apiKeys: ReadonlyMap<string, ApiKeyState>;
  /** Custom presets' current matrices by preset id. */
  presets: ReadonlyMap<string, Matrix>;
  /** All caps (see `capsFromPolicies`). */
  caps: readonly Cap[];
}

/** Who is asking: a user or an API key. */
export type Subject = { userId: string } | { apiKeyId: string };

/** One access question. */
export interface Query {
  /** Who. */
  subject: Subject;
  /** About which agent; `null`/absent = a workspace-wide question. */
  agentId?: string | null;
  /** Which permission. */
  permission: Permission;
}

/**
 * An empty workspace state (no members, agents, keys, presets or caps).
 *
 * @example
 * ```ts
 * const s = { ...emptyWorkspaceState('ws1'), members: new Map([['u1', { userId: 'u1', role: 'admin', agentAccess: 'all', grant: {} }]]) };
 * ```
 */
export function emptyWorkspaceState(workspaceId: string, revision = 0): WorkspaceState {
  return {
    workspaceId,
    revision,
    members: new Map(),
    agents: new Map(),
    apiKeys: new Map(),
    presets: new Map(),
    caps: [],
  };
}

/**
 * The matrix a grant gives: the linked preset's (built-in first, then the
 * workspace's custom presets; unknown id → empty matrix), else its own
 * matrix, else empty.
 *
 * @example
 * ```ts
 * resolveGrant(state, { presetId: 'builder' })['deployments.environments']; // 'read'
 * ```
 */
export function resolveGrant(state: WorkspaceState, grant: Grant | null | undefined): Readonly<Matrix> {
  if (!grant) return EMPTY_MATRIX;
  const presetId = grant.presetId;
  if (presetId != null) {
    if (isBuiltinPresetId(presetId)) return BUILTIN_PRESETS[presetId].matrix;
    return state.presets.get(presetId) ?? EMPTY_MATRIX;
  }
  return grant.matrix ?? EMPTY_MATRIX;
}

/**
 * Whether a subject is a user (as opposed to an API key).
 *
 * @example
 * ```ts
 * isUserSubject({ userId: 'u1' }); // true
 * ```
 */
export function isUserSubject(subject: Subject): subject is { userId: string } {
  return (subject as { userId?: unknown }).userId !== undefined;
}

/** Plain-array description of a workspace, for {@link buildWorkspaceState}. */
export interface WorkspaceStateInput {
  /** The workspace. */
  workspaceId: string;
  /** Revision (default 0). */
  revision?: number;
  /** Members. `agentAccess` defaults to `'assigned'`, `grant` to `{}`. */
  members?: ReadonlyArray<
    Omit<MemberState, 'agentAccess' | 'grant'> & Partial<Pick<MemberState, 'agentAccess' | 'grant'>>
  >;
  /** Agents and their members (`grant` defaults to `{}`). */
  agents?: ReadonlyArray<{
    agentId: string;
    members?: ReadonlyArray<Omit<AgentMemberState, 'grant'> & Partial<Pick<AgentMemberState, 'grant'>>>;
  }>;
  /** API keys (`agentId` defaults to `null`, `grant` to `{}`). */
  apiKeys?: ReadonlyArray<{ apiKeyId: string; grant?: Grant; agentId?: string | null }>;
  /** Custom presets by id. */
  presets?: Readonly<Record<string, Matrix>>;
  /** Caps. */
  caps?: readonly Cap[];
}

/**
 * Build a {@link WorkspaceState} from plain arrays (loaders, tests, fixtures).
 *
 * @example
 * ```ts
 * const state = buildWorkspaceState({
 *   workspaceId: 'ws1',
 *   members: [{ userId: 'alice', role: 'member', grant: { presetId: 'read_only_reviewer' } }],
 *   agents: [{ agentId: 'x', members: [{ userId: 'alice', role: 'agent_user', grant: { matrix: { 'build.knowledge': 'edit' } } }] }],
 * });
 * ```
 */
export function buildWorkspaceState(input: WorkspaceStateInput): WorkspaceState {
  return {
    workspaceId: input.workspaceId,
    revision: input.revision ?? 0,
    members: new Map(
      (input.members ?? []).map((m) => [
        m.userId,
        { userId: m.userId, role: m.role, agentAccess: m.agentAccess ?? 'assigned', grant: m.grant ?? {} },
      ]),
    ),
    agents: new Map(
      (input.agents ?? []).map((a) => [
        a.agentId,
        {
          agentId: a.agentId,
          members: new Map(
            (a.members ?? []).map((am) => [
              am.userId,
              { userId: am.userId, role: am.role, grant: am.grant ?? {} },
            ]),
          ),
        },
      ]),
    ),
    apiKeys: new Map(
      (input.apiKeys ?? []).map((k) => [
        k.apiKeyId,
        { apiKeyId: k.apiKeyId, grant: k.grant ?? {}, agentId: k.agentId ?? null },
      ]),
    ),
    presets: new Map(Object.entries(input.presets ?? {})),
    caps: input.caps ?? [],
  };
}
