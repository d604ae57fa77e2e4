import { describe, expect, it } from 'vitest';
import { json, useTestApp } from '../../../test/harness';
import { ERROR_CODES } from '../../errors';

// A low per-IP limit (AUTH_RATE_LIMIT_PER_IP) makes the limit observable.
const ctx = useTestApp({ authRateLimitPerIp: 5 });

describe('invitation links', () => {
  it('looking up and accepting invitations is rate limited per IP', async () => {
    // Under the limit each answers what it answers to anyone: an unknown token, or a stranger
    // accepting without signing in.
    for (const [method, url, payload, answer] of [
      ['GET', '/v1/invitations/lookup?token=nope', undefined, 'token_invalid'],
      ['POST', '/v1/invitations/accept', { token: 'nope' }, 'unauthenticated'],
    ] as const) {
      const codes: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await ctx.app.inject({ method, url, payload, remoteAddress: '203.0.113.9' });
        codes.push(`${res.statusCode} ${json(res).code}`);
      }
      const status = ERROR_CODES[answer].status;
      expect(codes, url).toEqual([
        ...Array(5).fill(`${status} ${answer}`),
        '429 rate_limited',
        '429 rate_limited',
      ]);
      // Another address is not affected.
      const other = await ctx.app.inject({ method, url, payload, remoteAddress: '203.0.113.10' });
      expect(`${other.statusCode} ${json(other).code}`, url).toBe(`${status} ${answer}`);
    }
  });
});
