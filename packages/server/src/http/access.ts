import type { Capability, Level, Permission } from '@atrium/policy';

/**
 * What a route needs, declared in its definition (`config.access`) and
 * enforced by the one guard in guard.ts before the handler runs. No handler
 * checks roles by hand.
 *
 * - `public`: anyone (health, sign-in, accepting an invitation…).
 * - `signedIn`: any authenticated user (own profile, create a workspace); API
 *   keys only when `apiKey: true`.
 * - `capability`: a role-based capability within the route's `:workspaceId`
 *   (and `:agentId` when present), e.g. `workspace.manage`.
 * - `permission`: a level on a catalog item within `:workspaceId` (and
 *   `:agentId`), e.g. `build.knowledge` at `edit`.
 * - `orSelf` (on `capability`): also allowed when the caller is the user
 *   named by the path's `:userId` (a member asking about themselves).
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'signed_in'; apiKey: boolean }
  | { kind: 'capability'; capability: Capability; orSelf?: boolean }
  | { kind: 'permission'; permission: Permission; level: Level };

export const access = {
  public: (): RouteAccess => ({ kind: 'public' }),
  signedIn: (opts: { apiKey?: boolean } = {}): RouteAccess => ({
    kind: 'signed_in',
    apiKey: opts.apiKey ?? false,
  }),
  capability: (capability: Capability, opts: { orSelf?: boolean } = {}): RouteAccess =>
    opts.orSelf ? { kind: 'capability', capability, orSelf: true } : { kind: 'capability', capability },
  permission: (permission: Permission, level: Level): RouteAccess => ({
    kind: 'permission',
    permission,
    level,
  }),
};

/** Capabilities whose refusal is an "administrative action denied" worth auditing (docs/rules.md §5). */
export const ADMINISTRATIVE_CAPABILITIES: readonly Capability[] = [
  'workspace.manage',
  'billing.manage',
  'agent.approve',
  'activity.read',
  'agent.manage',
];
