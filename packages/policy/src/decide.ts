/**
 * The decision (docs/rules.md §3) and its explanation.
 *
 * {@link decide} is the reference implementation: straight-line, step by step,
 * no allocation. {@link explain} re-derives the same answer while recording
 * every grant and the binding cap; a property test keeps the two equal, and
 * another keeps the compiled index equal to {@link decide}.
 *
 * @module
 */

import { LEVELS, type Level, type LevelRank, levelRank, PERMISSIONS, type Permission } from './catalog';
import type { Matrix } from './matrix';
import type { Cap } from './policies';
import {
  type Grant,
  isUserSubject,
  type Query,
  resolveGrant,
  type Subject,
  type WorkspaceState,
} from './state';

/** Where a level came from, for explanations. */
export interface GrantContribution {
  /** Which grant: the workspace role, the workspace grant, the agent grant, agent admin, or an API key's grant. */
  source:
    | 'workspace_role_admin'
    | 'workspace_matrix'
    | 'workspace_preset'
    | 'agent_matrix'
    | 'agent_preset'
    | 'agent_admin'
    | 'api_key_matrix'
    | 'api_key_preset';
  /** The level this grant gives on the permission (before caps). */
  level: Level;
  /** The linked preset, for `*_preset` sources. */
  presetId?: string;
  /** The agent, for agent grants. */
  agentId?: string;
}

/**
 * Why the answer is `none` regardless of grants (structured, never free text):
 * - `not_member`: the user is not a member of the workspace;
 * - `unknown_agent`: the agent is not one of this workspace's agents;
 * - `no_agent_access`: a member without a role on the agent and without `agentAccess: 'all'`;
 * - `unknown_api_key`: no live key with that id in this workspace;
 * - `api_key_scope`: the key is scoped to another agent (or asked a workspace-wide question).
 */
export type DenialReason =
  | 'not_member'
  | 'unknown_agent'
  | 'no_agent_access'
  | 'unknown_api_key'
  | 'api_key_scope';

/** A decision with its reasons. `explain(s, q).level === decide(s, q)` always. */
export interface Explanation {
  /** The permission asked about. */
  permission: Permission;
  /** The final level (after caps). */
  level: Level;
  /** The level before caps: the maximum over {@link Explanation.grants}. */
  uncapped: Level;
  /** Every grant that applies (including those giving `none`). Empty when {@link Explanation.reason} is set. */
  grants: GrantContribution[];
  /** The cap that lowered the level, if any (the smallest applicable; first in state order on ties). */
  cap: Cap | null;
  /** Set when access is denied before grants are considered. */
  reason: DenialReason | null;
}

function grantRank(state: WorkspaceState, grant: Grant, p: Permission): LevelRank {
  return levelRank(resolveGrant(state, grant)[p] as Level);
}

/** The smallest cap rank that applies to (agentId, p); 2 when none applies. */
function capRank(caps: readonly Cap[], agentId: string | null, p: Permission): LevelRank {
  let r: LevelRank = 2;
  for (let i = 0; i < caps.length; i++) {
    const c = caps[i]!;
    if (c.permission !== p) continue;
    if (c.agentId != null && c.agentId !== agentId) continue;
    const cr = levelRank(c.maxLevel);
    if (cr < r) r = cr;
  }
  return r;
}

/**
 * The rank of the level `subject` has on `permission` (no allocation).
 * See {@link decide}.
 */
export function decideRank(
  state: WorkspaceState,
  subject: Subject,
  agentId: string | null | undefined,
  p: Permission,
): LevelRank {
  const hasAgent = agentId != null;
  if (isUserSubject(subject)) {
    // 1. Not a member → none.
    const member = state.members.get(subject.userId);
    if (member === undefined) return 0;
    // An agent of another workspace, or none at all → none, admins included.
    const agent = hasAgent ? state.agents.get(agentId) : undefined;
    if (hasAgent && agent === undefined) return 0;
    // 2. Workspace admin → edit; caps do not apply.
    if (member.role === 'admin') return 2;
    let r: LevelRank = grantRank(state, member.grant, p);
    if (agent !== undefined) {
      // 3. Access to the agent: an agent role on it, or agentAccess 'all'.
      const am = agent.members.get(subject.userId);
      if (am === undefined && member.agentAccess !== 'all') return 0;
      // 4. Maximum over every grant that applies.
      if (am !== undefined) {
        if (am.role === 'agent_admin') r = 2;
        else {
          const ar = grantRank(state, am.grant, p);
          if (ar > r) r = ar;
        }
      }
    }
    // 5. Minimum with the caps that apply (agent admins included).
    if (r === 0) return 0;
    const cr = capRank(state.caps, hasAgent ? agentId : null, p);
    return Math.min(cr, r) as LevelRank;
  }
  const key = state.apiKeys.get(subject.apiKeyId);
  if (key === undefined) return 0;
  if (hasAgent) {
    if (!state.agents.has(agentId)) return 0;
    if (key.agentId !== null && key.agentId !== agentId) return 0;
  } else if (key.agentId !== null) return 0;
  const r = grantRank(state, key.grant, p);
  if (r === 0) return 0;
  const cr = capRank(state.caps, hasAgent ? agentId : null, p);
  return Math.min(cr, r) as LevelRank;
}

/**
 * The level a subject has on a permission, optionally about one agent
 * (docs/rules.md §3, step by step):
 *
 * 1. not a member → `none`;
 * 2. an agent that is not this workspace's → `none` for everyone;
 *    workspace admin → `edit`, uncapped;
 * 3. with an agent: no agent role on it and not `agentAccess: 'all'` → `none`;
 * 4. maximum over the workspace grant, the agent grant on that agent, and
 *    `edit` for that agent's `agent_admin` (without an agent: the workspace
 *    grant alone);
 * 5. minimum with every applicable cap (no-agent caps always; agent caps only
 *    for that agent).
 *
 * API keys are never admins and use only their own grant; a key scoped to an
 * agent answers `none` for other agents and for workspace-wide questions.
 *
 * @example
 * ```ts
 * decide(state, { subject: { userId: 'alice' }, agentId: 'agent-x', permission: 'build.knowledge' }); // 'edit'
 * ```
 */
export function decide(state: WorkspaceState, q: Query): Level {
  return LEVELS[decideRank(state, q.subject, q.agentId, q.permission)];
}

/**
 * Whether the subject has at least `level` on the permission.
 *
 * @example
 * ```ts
 * allows(state, { subject: { apiKeyId: 'k1' }, agentId: 'a1', permission: 'build.flows', level: 'read' });
 * ```
 */
export function allows(state: WorkspaceState, q: Query & { level: Level }): boolean {
  return decideRank(state, q.subject, q.agentId, q.permission) >= levelRank(q.level);
}

/** A grant applicable to a principal, resolved once for every permission. */
interface ResolvedGrant {
  source: GrantContribution['source'];
  matrix: Readonly<Matrix> | null; // null = edit on everything
  presetId?: string;
  agentId?: string;
}

/** Who the question is about, resolved once: either a denial or grants + caps. */
interface Context {
  reason: DenialReason | null;
  admin: boolean;
  grants: ResolvedGrant[];
  caps: Cap[];
}

function resolved(
  state: WorkspaceState,
  grant: Grant,
  kind: 'workspace' | 'agent' | 'api_key',
  agentId?: string,
): ResolvedGrant {
  const linked = grant.presetId != null;
  const out: ResolvedGrant = {
    source: `${kind}_${linked ? 'preset' : 'matrix'}` as GrantContribution['source'],
    matrix: resolveGrant(state, grant),
  };
  if (linked) out.presetId = grant.presetId as string;
  if (agentId !== undefined) out.agentId = agentId;
  return out;
}

function context(state: WorkspaceState, subject: Subject, agentId: string | null | undefined): Context {
  const deny = (reason: DenialReason): Context => ({ reason, admin: false, grants: [], caps: [] });
  const hasAgent = agentId != null;
  const grants: ResolvedGrant[] = [];
  if (isUserSubject(subject)) {
    const member = state.members.get(subject.userId);
    if (member === undefined) return deny('not_member');
    const agent = hasAgent ? state.agents.get(agentId) : undefined;
    if (hasAgent && agent === undefined) return deny('unknown_agent');
    if (member.role === 'admin') {
      return {
        reason: null,
        admin: true,
        grants: [{ source: 'workspace_role_admin', matrix: null }],
        caps: [],
      };
    }
    if (agent !== undefined) {
      const am = agent.members.get(subject.userId);
      if (am === undefined && member.agentAccess !== 'all') return deny('no_agent_access');
      grants.push(resolved(state, member.grant, 'workspace'));
      if (am !== undefined) {
        grants.push(resolved(state, am.grant, 'agent', agent.agentId));
        if (am.role === 'agent_admin')
          grants.push({ source: 'agent_admin', matrix: null, agentId: agent.agentId });
      }
    } else grants.push(resolved(state, member.grant, 'workspace'));
  } else {
    const key = state.apiKeys.get(subject.apiKeyId);
    if (key === undefined) return deny('unknown_api_key');
    if (hasAgent && !state.agents.has(agentId)) return deny('unknown_agent');
    if (hasAgent ? key.agentId !== null && key.agentId !== agentId : key.agentId !== null) {
      return deny('api_key_scope');
    }
    grants.push(resolved(state, key.grant, 'api_key'));
  }
  const caps = state.caps.filter((c) => c.agentId == null || (hasAgent && c.agentId === agentId));
  return { reason: null, admin: false, grants, caps };
}

function explainIn(ctx: Context, p: Permission): Explanation {
  if (ctx.reason !== null) {
    return { permission: p, level: 'none', uncapped: 'none', grants: [], cap: null, reason: ctx.reason };
  }
  let uncapped: LevelRank = 0;
  const grants: GrantContribution[] = ctx.grants.map((g) => {
    const level: Level = g.matrix === null ? 'edit' : (LEVELS[levelRank(g.matrix[p] as Level)] as Level);
    if (levelRank(level) > uncapped) uncapped = levelRank(level);
    const c: GrantContribution = { source: g.source, level };
    if (g.presetId !== undefined) c.presetId = g.presetId;
    if (g.agentId !== undefined) c.agentId = g.agentId;
    return c;
  });
  let cap: Cap | null = null;
  let level: LevelRank = uncapped;
  if (!ctx.admin) {
    for (const c of ctx.caps) {
      if (c.permission !== p) continue;
      const cr = levelRank(c.maxLevel);
      if (cr < level) {
        level = cr;
        cap = c;
      }
    }
  }
  return { permission: p, level: LEVELS[level], uncapped: LEVELS[uncapped], grants, cap, reason: null };
}

/**
 * The decision with its reasons: every grant that applies and the level it
 * gives, the level before caps, the cap that bound (if any) and the denial
 * reason (if any). Answers "Why can Alice edit Knowledge on Agent X?".
 *
 * @example
 * ```ts
 * const e = explain(state, { subject: { userId: 'alice' }, agentId: 'x', permission: 'build.knowledge' });
 * e.grants; // [{ source: 'workspace_preset', presetId: 'read_only_reviewer', level: 'read' }, { source: 'agent_matrix', agentId: 'x', level: 'edit' }]
 * ```
 */
export function explain(state: WorkspaceState, q: Query): Explanation {
  return explainIn(context(state, q.subject, q.agentId), q.permission);
}

/**
 * The explained level of every permission (in catalog order) for one
 * subject, workspace-wide or about one agent — the "effective matrix".
 *
 * @example
 * ```ts
 * effective(state, { userId: 'alice' }, 'x').filter((e) => e.level !== 'none');
 * ```
 */
export function effective(state: WorkspaceState, subject: Subject, agentId?: string | null): Explanation[] {
  const ctx = context(state, subject, agentId);
  return PERMISSIONS.map((p) => explainIn(ctx, p));
}

/**
 * The effective levels as a matrix (only non-`none` entries), convenient for
 * the console.
 *
 * @example
 * ```ts
 * effectiveMatrix(state, { userId: 'alice' }, 'x'); // { 'build.knowledge': 'edit', … }
 * ```
 */
export function effectiveMatrix(state: WorkspaceState, subject: Subject, agentId?: string | null): Matrix {
  const out: Matrix = {};
  for (const e of effective(state, subject, agentId)) if (e.level !== 'none') out[e.permission] = e.level;
  return out;
}
