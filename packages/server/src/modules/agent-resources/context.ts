import { decide, type Level, levelRank, type Permission } from '@atrium/policy';
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../../audit/record';
import { type Actor, actorOf } from '../../auth/principal';
import { originOf } from '../../command/http';
import { notFound } from '../../errors';
import type { RequestScope } from '../../http/guard';

/**
 * Small helpers shared by the agent-resources, billing and tickets modules.
 * Nothing here grants access: routes declare it and the guard enforces it;
 * `levelIn` only reads the engine's answer to shape data (masking), never to
 * refuse a request.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (ids from request bodies are checked before they reach a uuid column). */
export function isUuid(id: string): boolean {
  return UUID_RE.test(id);
}

/** Throws 404 for an id that cannot exist (not a UUID), before it reaches SQL. */
export function requireUuid(id: string, what: string): string {
  if (!UUID_RE.test(id)) throw notFound(what);
  return id;
}

/** Who acted and from where, for `recordActivity`. */
export interface WriteContext {
  actor: Actor;
  origin: RequestOrigin;
  /** The acting user, when a person acted (null for API keys). */
  userId: string | null;
}

/** The activity context of a request. */
export function writeContext(req: FastifyRequest): WriteContext {
  const p = req.principal;
  return { actor: actorOf(p), origin: originOf(req), userId: p?.type === 'user' ? p.userId : null };
}

/**
 * The caller's level on a permission in the guard's scope (the agent of the
 * path, if any), from the engine. Used for data shaping declared next to a
 * route (e.g. unmasked PII needs `analytics.conversation_pii`), never as an
 * access check: the route's own declaration already passed.
 */
export function levelIn(scope: RequestScope, permission: Permission): Level {
  return decide(scope.state, { subject: scope.subject, agentId: scope.agentId, permission });
}

/** Whether `level` is at least `need`. */
export function reaches(level: Level, need: Level): boolean {
  return levelRank(level) >= levelRank(need);
}
