import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/**
 * Resolves the principal of a request from its session cookie or its
 * `Authorization: Bearer <api key>` header. Returns null when the request
 * carries neither (or carries something invalid, revoked or expired).
 *
 * Sessions and API keys are built by the identity module (issue 4); until
 * then no request is authenticated and every non-public route answers 401.
 */
export async function authenticate(_req: FastifyRequest): Promise<Principal | null> {
  return null;
}
