import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createWorkspace, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { buildApp } from '../../app';
import { csrfTokenFor, sha256 } from '../../auth/tokens';

/**
 * "No response or log line carries a password, a token, a key secret or a
 * hash of one" (issue 4): every identity flow runs against an app whose real
 * logger (level trace, the production redaction and serializers) writes to
 * memory; then every captured response body and log line is searched for
 * every secret the flows used.
 */
const ctx = useTestApp();
const lines: string[] = [];
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildApp(
    { ...ctx.config, logLevel: 'trace' },
    { database: ctx.database, skipMigrations: true, logStream: { write: (line) => void lines.push(line) } },
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

describe('secrets never leak', () => {
  it('keeps passwords, session and link tokens, key secrets and their hashes out of responses and logs', async () => {
    const responses: { label: string; res: LightMyRequestResponse }[] = [];
    const record = (label: string, res: LightMyRequestResponse) => {
      responses.push({ label, res });
      return res;
    };
    const secrets = new Map<string, string>();
    const password = 'leak check passphrase 1';
    const newPassword = 'leak check passphrase 2';
    const email = `leak-${Date.now()}@example.com`;
    secrets.set('password', password);
    secrets.set('new password', newPassword);

    const signUp = record(
      'sign-up',
      await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: { email, password, name: 'Leak' },
      }),
    );
    expect(signUp.statusCode).toBe(201);
    const signUpToken = signUp.cookies.find((c) => c.name === 'atrium_session')?.value as string;
    secrets.set('sign-up session token', signUpToken);

    record(
      'wrong sign-in',
      await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email, password: `${password}x` },
      }),
    );
    secrets.set('wrong password', `${password}x`);
    const signIn = record(
      'sign-in',
      await app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email, password } }),
    );
    const token = signIn.cookies.find((c) => c.name === 'atrium_session')?.value as string;
    secrets.set('session token', token);
    const user: TestUser = {
      id: json<{ user: { id: string } }>(signIn).user.id,
      email,
      name: 'Leak',
      password,
      cookie: `atrium_session=${token}`,
      csrf: csrfTokenFor(token),
    };
    const call = as(app, user);
    record('me', await call({ method: 'GET', url: '/v1/me' }));
    record('sessions', await call({ method: 'GET', url: '/v1/me/sessions' }));

    // Email verification through its link (the token travels in the query string).
    const verifyMail = await ctx.app.db
      .selectFrom('outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .where('template', '=', 'verify_email')
      .executeTakeFirstOrThrow();
    const verifyToken = decodeURIComponent(/token=([^\s]+)/.exec(verifyMail.text_body)?.[1] ?? '');
    secrets.set('verification token', verifyToken);
    record(
      'verify',
      await app.inject({
        method: 'GET',
        url: `/v1/auth/verify-email?token=${encodeURIComponent(verifyToken)}`,
      }),
    );

    // Password reset.
    record(
      'reset request',
      await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } }),
    );
    const resetMail = await ctx.app.db
      .selectFrom('outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .where('template', '=', 'reset_password')
      .executeTakeFirstOrThrow();
    const resetToken = decodeURIComponent(/#token=([^\s]+)/.exec(resetMail.text_body)?.[1] ?? '');
    secrets.set('reset token', resetToken);
    record(
      'reset confirm',
      await app.inject({
        method: 'POST',
        url: '/v1/auth/password-reset/confirm',
        payload: { token: resetToken, password: newPassword },
      }),
    );
    const again = record(
      'sign-in again',
      await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email, password: newPassword },
      }),
    );
    const token2 = again.cookies.find((c) => c.name === 'atrium_session')?.value as string;
    secrets.set('second session token', token2);
    const user2 = { ...user, cookie: `atrium_session=${token2}`, csrf: csrfTokenFor(token2) };
    record(
      'change password',
      await as(
        app,
        user2,
      )({
        method: 'POST',
        url: '/v1/me/password',
        payload: { currentPassword: newPassword, newPassword: `${newPassword}!` },
      }),
    );
    secrets.set('third password', `${newPassword}!`);

    // API keys: the secret appears in the creation answer only.
    const ws = await createWorkspace(app, user2);
    const created = await as(
      app,
      user2,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'leaky', presetId: 'builder' },
    });
    expect(created.statusCode).toBe(201);
    const keySecret = json<{ secret: string }>(created).secret;
    secrets.set('api key secret', keySecret);
    record('list keys', await as(app, user2)({ method: 'GET', url: `/v1/workspaces/${ws.id}/api-keys` }));
    record(
      'use key',
      await as(app, { apiKey: keySecret })({ method: 'GET', url: `/v1/workspaces/${ws.id}/api-keys` }),
    );
    record('bad key', await as(app, { apiKey: `${keySecret}x` })({ method: 'GET', url: '/v1/me' }));
    record('sign out', await as(app, user2)({ method: 'POST', url: '/v1/auth/sign-out' }));

    // Hashes of every secret, and the stored password hash.
    for (const [label, value] of [...secrets]) secrets.set(`sha256 of ${label}`, sha256(value));
    const stored = await ctx.app.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    secrets.set('password hash', stored.password_hash as string);
    // The scrypt salt+key part alone, in case a hash is logged in another shape.
    secrets.set('password hash key', (stored.password_hash as string).split('$').pop() as string);

    expect(lines.length).toBeGreaterThan(20);
    for (const [label, secret] of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      for (const { label: where, res } of responses) {
        expect(res.body.includes(secret), `${label} in the ${where} response`).toBe(false);
        const headers = JSON.stringify({ ...res.headers, 'set-cookie': undefined });
        expect(headers.includes(secret), `${label} in the ${where} response headers`).toBe(false);
      }
      for (const line of lines) expect(line.includes(secret), `${label} in log line ${line}`).toBe(false);
    }
  });
});
