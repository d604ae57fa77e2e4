import { decide, type Level, levelRank, type Permission } from '@atrium/policy';
import type { RequestScope } from '../../http/guard';

/**
 * Levels read from the guard's scope, for data shaping. Nothing here grants
 * or refuses access: routes declare it and the guard enforces it. These only
 * read the engine's answer to shape what an answer shows (e.g. unmasked
 * personal data needs `analytics.conversation_pii`, a `can.edit` flag).
 */

/**
 * The caller's level on a permission in the guard's scope (the agent of the
 * path, if any), from the engine. Used for data shaping declared next to a
 * route, never as an access check: the route's own declaration already passed.
 */
export function levelIn(scope: RequestScope, permission: Permission): Level {
  return decide(scope.state, { subject: scope.subject, agentId: scope.agentId, permission });
}

/** Whether `level` is at least `need`. */
export function reaches(level: Level, need: Level): boolean {
  return levelRank(level) >= levelRank(need);
}
