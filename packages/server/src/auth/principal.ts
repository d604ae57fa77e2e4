/**
 * Who is making a request. Authentication (sessions, API keys, SSO) only
 * produces a principal; what it may do is decided by the permission engine.
 * Kept general so later principals (groups, agents acting for a person) fit.
 */
export type Principal =
  | { type: 'user'; userId: string; sessionId: string; email: string; name: string }
  | { type: 'api_key'; apiKeyId: string; workspaceId: string; name: string };

/** How the activity log names whoever acted. */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  name: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'Atrium' };

/** The activity-log actor for a request's principal (the system when there is none). */
export function actorOf(principal: Principal | null): Actor {
  if (!principal) return SYSTEM_ACTOR;
  return principal.type === 'user'
    ? { type: 'user', id: principal.userId, name: principal.name || principal.email }
    : { type: 'api_key', id: principal.apiKeyId, name: principal.name };
}
