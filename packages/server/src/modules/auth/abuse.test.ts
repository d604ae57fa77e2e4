import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { buildApp } from '../../app';

/**
 * Abuse limits (issue 4): per IP and per account on sign-in, sign-up and
 * reset (429 rate_limited with Retry-After), and a per-account failed
 * sign-in limit. Each test builds an app with lowered limits on the shared
 * test database; users are made through the default (unlimited) test app.
 */
const ctx = useTestApp();
const apps: FastifyInstance[] = [];

async function limitedApp(overrides: Partial<typeof ctx.config>): Promise<FastifyInstance> {
  const app = await buildApp(
    { ...ctx.config, ...overrides },
    { database: ctx.database, skipMigrations: true },
  );
  apps.push(app);
  await app.ready();
  return app;
}
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('rate limits', () => {
  it('limits sign-in per IP, answering 429 rate_limited with Retry-After', async () => {
    const app = await limitedApp({ authRateLimitPerIp: 3 });
    const u = await createUser(ctx.app);
    const attempt = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: u.email, password: u.password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1')).statusCode).toBe(200);
    const limited = await attempt('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(json(limited).code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another IP is not affected.
    expect((await attempt('10.0.0.2')).statusCode).toBe(200);
  });

  it('limits sign-up and password reset per IP', async () => {
    const app = await limitedApp({ authRateLimitPerIp: 2 });
    const signUp = (n: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: {
          email: `rl-${Date.now()}-${n}@example.com`,
          password: 'a long enough passphrase',
          name: 'R',
        },
        remoteAddress: '10.0.1.1',
      });
    expect((await signUp(1)).statusCode).toBe(201);
    expect((await signUp(2)).statusCode).toBe(201);
    expect((await signUp(3)).statusCode).toBe(429);
    const reset = (n: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/auth/password-reset',
        payload: { email: `someone-${n}@example.com` },
        remoteAddress: '10.0.1.2',
      });
    expect((await reset(1)).statusCode).toBe(202);
    expect((await reset(2)).statusCode).toBe(202);
    expect((await reset(3)).statusCode).toBe(429);
  });

  it('limits sign-in and reset per account across IPs', async () => {
    const app = await limitedApp({ authRateLimitPerAccount: 2 });
    const u = await createUser(ctx.app);
    for (let i = 0; i < 2; i++) {
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: u.email, password: u.password },
        remoteAddress: `10.0.2.${i}`,
      });
      expect(ok.statusCode).toBe(200);
    }
    // Same account (in any case), a fresh IP: limited.
    const limited = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: u.email.toUpperCase(), password: u.password },
      remoteAddress: '10.0.2.99',
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from that IP is fine.
    const other = await createUser(ctx.app);
    const fine = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: other.email, password: other.password },
      remoteAddress: '10.0.2.99',
    });
    expect(fine.statusCode).toBe(200);

    for (let i = 0; i < 2; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/auth/password-reset',
        payload: { email: u.email },
        remoteAddress: `10.0.3.${i}`,
      });
      expect(r.statusCode).toBe(202);
    }
    const r3 = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { email: u.email },
    });
    expect(r3.statusCode).toBe(429);
  });

  it('refuses sign-in after too many failures for an account, even with the right password, and logs failures without the password', async () => {
    const app = await limitedApp({ signInMaxFailures: 3 });
    const u = await createUser(ctx.app);
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: u.email, password: `wrong password number ${i}` },
        remoteAddress: `10.0.4.${i}`,
      });
      expect(res.statusCode).toBe(401);
      expect(json(res).code).toBe('invalid_credentials');
    }
    const locked = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: u.email, password: u.password },
      remoteAddress: '10.0.4.50',
    });
    expect(locked.statusCode).toBe(429);
    expect(json(locked).code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);

    const failures = await ctx.app.db
      .selectFrom('activity_log')
      .selectAll()
      .where('action', '=', 'auth.sign_in_failed')
      .where('target_id', '=', u.id)
      .orderBy('id')
      .execute();
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ workspace_id: null, actor_id: u.id, ip: '10.0.4.0' });
    expect(JSON.stringify(failures)).not.toContain('wrong password');

    // When the window has passed, the right password works again and clears the count.
    await ctx.app.db
      .updateTable('sign_in_failures')
      .set({ window_started_at: new Date(Date.now() - 16 * 60_000) })
      .where('email', '=', u.email)
      .execute();
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: u.email, password: u.password },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('counts failures for unknown emails the same way (no account enumeration)', async () => {
    const app = await limitedApp({ signInMaxFailures: 2 });
    const ghost = `ghost-${Date.now()}@example.com`;
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: ghost, password: 'whatever passphrase' },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 429]);
  });
});
