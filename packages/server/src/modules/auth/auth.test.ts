import { describe, expect, it } from 'vitest';
import { as, createUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

function sessionCookie(res: { cookies: { name: string; value: string }[] }) {
  return res.cookies.find((c) => c.name === 'atrium_session');
}

describe('sign-up and sign-in', () => {
  it('signs up with a normalised email, sets a hardened cookie and queues a verification mail', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email: '  Ada.Lovelace@Example.COM ', password: 'analytical engine 1843', name: 'Ada' },
    });
    expect(res.statusCode).toBe(201);
    const body = json<{ user: { email: string; emailVerified: boolean }; csrfToken: string }>(res);
    expect(body.user).toMatchObject({ email: 'ada.lovelace@example.com', emailVerified: false });
    const cookie = res.cookies.find((c) => c.name === 'atrium_session') as Record<string, unknown>;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const mail = await ctx.app.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', 'ada.lovelace@example.com')
      .execute();
    expect(mail.map((m) => m.template)).toEqual(['verify_email']);
  });

  it('refuses a taken email (any case) with 409 email_taken', async () => {
    const u = await createUser(ctx.app);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email: u.email.toUpperCase(), password: 'another long passphrase', name: 'X' },
    });
    expect(res.statusCode).toBe(409);
    expect(json(res).code).toBe('email_taken');
  });

  it('signs in, reads /v1/me with the cookie, and signs out', async () => {
    const u = await createUser(ctx.app);
    const me = await as(ctx.app, u)({ method: 'GET', url: '/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(json<{ user: { id: string; emailVerified: boolean } }>(me).user).toMatchObject({
      id: u.id,
      emailVerified: true,
    });
    const out = await as(ctx.app, u)({ method: 'POST', url: '/v1/auth/sign-out' });
    expect(out.statusCode).toBe(200);
    const after = await as(ctx.app, u)({ method: 'GET', url: '/v1/me' });
    expect(after.statusCode).toBe(401);
    expect(json(after).code).toBe('unauthenticated');
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const u = await createUser(ctx.app);
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: u.email, password: 'not the password at all' },
    });
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { email: `nobody-${u.id}@example.com`, password: 'not the password at all' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(json(wrong))).toEqual(strip(json(unknown)));
    expect(json(wrong).code).toBe('invalid_credentials');
    expect(sessionCookie(wrong)).toBeUndefined();
  });

  it('requires the CSRF token on cookie-authenticated mutations', async () => {
    const u = await createUser(ctx.app);
    const none = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-out',
      headers: { cookie: u.cookie },
    });
    expect(none.statusCode).toBe(403);
    expect(json(none).code).toBe('csrf_failed');
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-out',
      headers: { cookie: u.cookie, 'x-csrf-token': `${u.csrf}x` },
    });
    expect(json(wrong).code).toBe('csrf_failed');
    // Reads need no token.
    const me = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: u.cookie } });
    expect(me.statusCode).toBe(200);
  });
});
