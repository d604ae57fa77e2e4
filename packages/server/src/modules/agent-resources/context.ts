import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../../audit/record';
import { type Actor, actorOf } from '../../auth/principal';
import { originOf } from '../../command/http';

/**
 * Retiring (issue 11): what is left here is still imported by the billing
 * and tickets modules until they run on the command layer. Ids live in
 * src/ids.ts; `levelIn`/`reaches` in modules/access/levels.ts; the command
 * scope replaces `WriteContext`. Delete this file once nothing imports it.
 */

export { isUuid, requireUuid } from '../../ids';

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
