import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness';

// A low per-IP limit (AUTH_RATE_LIMIT_PER_IP) makes the limit observable.
const ctx = useTestApp({ authRateLimitPerIp: 5 });

describe('invitation links', () => {
  it('looking up and accepting invitations is rate limited per IP', async () => {
    for (const [method, url, payload] of [
      ['GET', '/v1/invitations/lookup?token=nope', undefined],
      ['POST', '/v1/invitations/accept', { token: 'nope' }],
    ] as const) {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await ctx.app.inject({ method, url, payload, remoteAddress: '203.0.113.9' });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 5), url).not.toContain(429);
      expect(codes.at(-1), url).toBe(429);
      // Another address is not affected.
      const other = await ctx.app.inject({ method, url, payload, remoteAddress: '203.0.113.10' });
      expect(other.statusCode).not.toBe(429);
    }
  });
});
