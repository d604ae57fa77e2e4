/**
 * Administrative capabilities (docs/rules.md §2, second table). They come from roles,
 * never from matrices: no matrix level can make someone able to manage
 * members or billing.
 *
 * @module
 */

import { isUserSubject, type Subject, type WorkspaceState } from './state';

/**
 * Every administrative capability:
 *
 * | capability | who |
 * |---|---|
 * | `workspace.read` | any member; any live API key |
 * | `workspace.manage` | workspace admin (members, roles, presets, policies, API keys) |
 * | `billing.manage` | workspace admin |
 * | `agent.create` | any member (becomes its `agent_admin`) |
 * | `agent.approve` | workspace admin (approve/reject paid agents, attach payment methods) |
 * | `activity.read` | workspace admin (read and export the activity log) |
 * | `tickets.read_all` | workspace admin (others see only their own tickets) |
 * | `agent.read` | access to that agent (admins: any existing agent); API keys per scope |
 * | `agent.use` | same as `agent.read` (chat with the agent) |
 * | `agent.manage` | that agent's `agent_admin`, or workspace admin (users of the agent, their role and matrix, rename, settings) |
 * | `agent.view_plan` | that agent's `agent_admin`, or workspace admin (plan and status, not payment methods or invoices) |
 * | `access.check` | workspace admin; any live API key of the workspace (ask the check API about anyone; members ask only about themselves, through the route's `orSelf`) |
 */
export const CAPABILITIES = [
  'workspace.read',
  'workspace.manage',
  'billing.manage',
  'agent.create',
  'agent.approve',
  'activity.read',
  'tickets.read_all',
  'agent.read',
  'agent.use',
  'agent.manage',
  'agent.view_plan',
  'access.check',
] as const;

/** One of {@link CAPABILITIES}. */
export type Capability = (typeof CAPABILITIES)[number];

/** The capabilities that are about one agent and need an `agentId`. */
export const AGENT_CAPABILITIES: readonly Capability[] = Object.freeze([
  'agent.read',
  'agent.use',
  'agent.manage',
  'agent.view_plan',
]);

/**
 * Type guard for {@link Capability}.
 *
 * @example
 * ```ts
 * isCapability('billing.manage'); // true
 * ```
 */
export function isCapability(x: unknown): x is Capability {
  return typeof x === 'string' && (CAPABILITIES as readonly string[]).includes(x);
}

/**
 * Whether the subject belongs to the workspace: a member (user) or a live
 * API key of the workspace.
 *
 * @example
 * ```ts
 * isMember(state, { userId: 'alice' }); // true
 * ```
 */
export function isMember(state: WorkspaceState, subject: Subject): boolean {
  return isUserSubject(subject) ? state.members.has(subject.userId) : state.apiKeys.has(subject.apiKeyId);
}

/**
 * Whether the subject may see and use an agent: the agent exists in this
 * workspace and the subject is a workspace admin, holds an agent role on it,
 * or has `agentAccess: 'all'`; an API key when unscoped or scoped to it.
 *
 * @example
 * ```ts
 * hasAgentAccess(state, { userId: 'bob' }, 'agent-x'); // false unless Bob holds a role on agent-x or agentAccess 'all'
 * ```
 */
export function hasAgentAccess(state: WorkspaceState, subject: Subject, agentId: string): boolean {
  const agent = state.agents.get(agentId);
  if (agent === undefined) return false;
  if (!isUserSubject(subject)) {
    const key = state.apiKeys.get(subject.apiKeyId);
    return key !== undefined && (key.agentId === null || key.agentId === agentId);
  }
  const member = state.members.get(subject.userId);
  if (member === undefined) return false;
  return member.role === 'admin' || member.agentAccess === 'all' || agent.members.has(subject.userId);
}

/**
 * Whether the subject holds an administrative capability (docs/rules.md §2). Agent
 * capabilities need `agentId` of an agent of this workspace (otherwise false).
 * API keys hold only `workspace.read`, `agent.read` and `agent.use` (within
 * their scope).
 *
 * @example
 * ```ts
 * hasCapability(state, { userId: 'carol' }, 'agent.manage', 'agent-x'); // true for agent-x's agent_admin
 * hasCapability(state, { userId: 'carol' }, 'agent.approve', 'agent-x'); // false unless workspace admin
 * ```
 */
export function hasCapability(
  state: WorkspaceState,
  subject: Subject,
  cap: Capability,
  agentId?: string | null,
): boolean {
  if (!isMember(state, subject)) return false;
  const isAgentCap =
    cap === 'agent.read' || cap === 'agent.use' || cap === 'agent.manage' || cap === 'agent.view_plan';
  if (isAgentCap && (agentId == null || !state.agents.has(agentId))) return false;
  if (!isUserSubject(subject)) {
    if (cap === 'workspace.read' || cap === 'access.check') return true;
    if (cap === 'agent.read' || cap === 'agent.use') return hasAgentAccess(state, subject, agentId as string);
    return false;
  }
  const member = state.members.get(subject.userId)!;
  const admin = member.role === 'admin';
  switch (cap) {
    case 'workspace.read':
    case 'agent.create':
      return true;
    case 'workspace.manage':
    case 'billing.manage':
    case 'agent.approve':
    case 'activity.read':
    case 'tickets.read_all':
    case 'access.check':
      return admin;
    case 'agent.read':
    case 'agent.use':
      return hasAgentAccess(state, subject, agentId as string);
    case 'agent.manage':
    case 'agent.view_plan':
      return (
        admin || state.agents.get(agentId as string)?.members.get(subject.userId)?.role === 'agent_admin'
      );
  }
}

/**
 * Every capability the subject holds (workspace-wide ones, plus agent ones
 * when `agentId` is given) — the "what may I do" block a presenter returns
 * with a resource so the console hides what the user cannot do.
 *
 * @example
 * ```ts
 * capabilitiesOf(state, { userId: 'bob' }, 'agent-x'); // ['workspace.read', 'agent.create', 'agent.read', 'agent.use']
 * ```
 */
export function capabilitiesOf(
  state: WorkspaceState,
  subject: Subject,
  agentId?: string | null,
): Capability[] {
  return CAPABILITIES.filter((c) => hasCapability(state, subject, c, agentId));
}
