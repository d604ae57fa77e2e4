import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { problem } from '../errors';
import { normalizeEmail } from './email';

/**
 * Per-IP limit for an abuse-prone public route (sign-in, sign-up, reset,
 * invitation acceptance), for its `config.rateLimit`. Counted per route per
 * client IP over one minute (AUTH_RATE_LIMIT_PER_IP).
 */
export function perIpRateLimit(app: FastifyInstance): RateLimitOptions {
  return { max: app.config.authRateLimitPerIp, timeWindow: 60_000 };
}

/**
 * Per-account limit (AUTH_RATE_LIMIT_PER_ACCOUNT per minute per email), as a
 * preHandler since it needs the parsed body. `name` separates routes;
 * `emailOf` picks the address from the request (default: `body.email`).
 * Over the limit: 429 `rate_limited` with Retry-After.
 */
export function perAccountRateLimit(
  app: FastifyInstance,
  name: string,
  emailOf: (req: FastifyRequest) => unknown = (req) => (req.body as { email?: unknown } | null)?.email,
): preHandlerAsyncHookHandler {
  const limiter = app.createRateLimit({
    max: app.config.authRateLimitPerAccount,
    timeWindow: 60_000,
    keyGenerator: (req) => {
      const raw = emailOf(req);
      const email = typeof raw === 'string' ? normalizeEmail(raw) : null;
      return `${name}:${email ?? '-'}`;
    },
  });
  return async (req) => {
    const result = await limiter(req);
    if (!result.isAllowed && result.isExceeded) {
      throw problem('rate_limited', `Too many attempts for this account; retry in ${result.ttlInSeconds} s`, {
        retryAfter: result.ttlInSeconds,
      });
    }
  };
}
