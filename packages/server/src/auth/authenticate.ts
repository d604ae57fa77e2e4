import type { FastifyRequest } from 'fastify';
import { problem } from '../errors';
import { resolveApiKey } from './api-keys';
import type { Principal } from './principal';
import { CSRF_HEADER, resolveSession, SESSION_COOKIE } from './sessions';
import { csrfTokenFor, safeEqual } from './tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the principal of a request from `Authorization: Bearer atr_…` (an
 * API key) or from the `atrium_session` cookie. Returns null when the request
 * carries neither, or carries something unknown, revoked or expired (the
 * guard then answers 401 on non-public routes).
 *
 * CSRF (docs/rules.md §6): a cookie-authenticated POST/PUT/PATCH/DELETE must send
 * `x-csrf-token` equal to the session's CSRF token, else 403 `csrf_failed`.
 * Bearer requests need none (a browser never adds that header by itself).
 * On public routes a failed CSRF check makes the request anonymous instead,
 * so a stale cookie cannot block sign-in or sign-up.
 */
export async function authenticate(req: FastifyRequest): Promise<Principal | null> {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return null;
    // Routes that opt in (the check API) resolve known keys from memory; see modules/access/api-keys.ts.
    const cache = req.routeOptions.config.apiKeyCache ? req.server.accessState.apiKeys : undefined;
    const key = await resolveApiKey(req.server.db, match[1], cache);
    return key ? { type: 'api_key', ...key } : null;
  }

  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const session = await resolveSession(req.server.db, req.server.config, token);
  if (!session) return null;

  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(token))) {
      if (req.routeOptions.config.access?.kind === 'public') return null;
      throw problem('csrf_failed', `Send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
  }
  return { type: 'user', ...session };
}

/** The CSRF token of the request's session cookie, for responses that hand it to the console. */
export function csrfTokenOf(req: FastifyRequest): string | null {
  const token = req.cookies?.[SESSION_COOKIE];
  return token ? csrfTokenFor(token) : null;
}
