import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createUser, signInAs } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { linkIn, type SmtpSink, startSmtpSink } from '../../../test/smtp-sink';
import { buildApp } from '../../app';

const ctx = useTestApp();
const PUBLIC = 'http://atrium.test';
let sink: SmtpSink;
let app: FastifyInstance;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await buildApp(
    { ...ctx.config, smtpUrl: sink.url, publicUrl: PUBLIC },
    {
      database: ctx.database,
      skipMigrations: true,
    },
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await sink?.close();
});

/** Delivers the outbox now (the worker also polls on its own). */
async function deliver() {
  await app.mailWorker?.runOnce();
}

/** A path + query of a link to this app, for inject. */
function pathOf(link: string): string {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
}

describe('email verification through SMTP', () => {
  it('sends a real verification mail whose link verifies the address once', async () => {
    const email = `verify-${Date.now()}@example.com`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email, password: 'a perfectly fine passphrase', name: 'Vera <b>Fy</b>' },
    });
    expect(res.statusCode).toBe(201);
    await deliver();
    const mail = await sink.nextMessageTo(email);
    expect(mail.subject).toBe('Confirm your email address for Atrium');
    expect(mail.messageId).toMatch(/^<verify_email\.[0-9a-f-]+@atrium\.localhost>$/);
    // The name is escaped in HTML.
    expect(mail.html).toContain('Vera &lt;b&gt;Fy&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Fy</b>');
    const link = linkIn(mail, `${PUBLIC}/v1/auth/verify-email?token=`);

    const follow = await app.inject({ method: 'GET', url: pathOf(link) });
    expect(follow.statusCode).toBe(303);
    expect(follow.headers.location).toBe(`${PUBLIC}/?emailVerified=1`);
    const user = await app.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).not.toBeNull();

    // Single use: the same link again is refused.
    const token = new URL(link).searchParams.get('token');
    const again = await app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    expect(again.statusCode).toBe(400);
    expect(json(again).code).toBe('token_invalid');
    const log = await app.db
      .selectFrom('activity_log')
      .select('action')
      .where('actor_id', '=', user.id)
      .execute();
    expect(log.map((l) => l.action)).toContain('auth.email_verified');
  });

  it('refuses an expired verification link', async () => {
    const email = `late-${Date.now()}@example.com`;
    await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email, password: 'a perfectly fine passphrase', name: 'Late' },
    });
    await deliver();
    const link = linkIn(await sink.nextMessageTo(email), `${PUBLIC}/v1/auth/verify-email?token=`);
    await app.db
      .updateTable('email_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('email', '=', email)
      .execute();
    const res = await app.inject({ method: 'GET', url: pathOf(link) });
    expect(res.headers.location).toBe(`${PUBLIC}/?emailVerified=0`);
    const user = await app.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
  });

  it('resends a verification link on request', async () => {
    const email = `resend-${Date.now()}@example.com`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { email, password: 'a perfectly fine passphrase', name: 'Re' },
    });
    const csrf = json<{ csrfToken: string }>(res).csrfToken;
    const cookie = `atrium_session=${res.cookies.find((c) => c.name === 'atrium_session')?.value}`;
    const again = await app.inject({
      method: 'POST',
      url: '/v1/me/verify-email',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(again.statusCode).toBe(202);
    await deliver();
    const first = await sink.nextMessageTo(email);
    const second = await sink.nextMessageTo(email);
    expect(linkIn(first, PUBLIC)).not.toBe(linkIn(second, PUBLIC));
  });
});

describe('password reset through SMTP', () => {
  it('mails a single-use link that sets a new password and ends every session', async () => {
    const u = await createUser(app);
    const before = await as(app, u)({ method: 'GET', url: '/v1/me' });
    expect(before.statusCode).toBe(200);

    const req = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { email: u.email },
    });
    expect(req.statusCode).toBe(202);
    await deliver();
    const mail = await sink.nextMessageTo(u.email, { template: 'reset_password' });
    expect(mail.subject).toBe('Reset your Atrium password');
    const link = linkIn(mail, `${PUBLIC}/reset-password#token=`);
    const token = decodeURIComponent(new URL(link).hash.slice('#token='.length));

    const weak = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(weak).errors[0]?.path).toBe('/body/password');

    const ok = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      payload: { token, password: 'a brand new passphrase' },
    });
    expect(ok.statusCode).toBe(200);
    // The old session is gone, the old password no longer works, the new one does.
    expect((await as(app, u)({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    await expect(signInAs(app, u.email, u.password)).rejects.toThrow(/401/);
    await signInAs(app, u.email, 'a brand new passphrase');
    // Single use.
    const reuse = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      payload: { token, password: 'yet another passphrase' },
    });
    expect(json(reuse).code).toBe('token_invalid');
    await deliver();
    expect((await sink.nextMessageTo(u.email, { template: 'password_changed' })).subject).toBe(
      'Your Atrium password was changed',
    );
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const unknown = `ghost-${Date.now()}@example.com`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { email: unknown },
    });
    expect(res.statusCode).toBe(202);
    expect(json(res)).toEqual({ status: 'accepted' });
    await deliver();
    await expect(sink.nextMessageTo(unknown, { timeoutMs: 300 })).rejects.toThrow(/no mail/);
  });

  it('refuses an expired reset link', async () => {
    const u = await createUser(app);
    await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: u.email } });
    await deliver();
    const link = linkIn(
      await sink.nextMessageTo(u.email, { template: 'reset_password' }),
      `${PUBLIC}/reset-password#token=`,
    );
    const token = decodeURIComponent(new URL(link).hash.slice('#token='.length));
    await app.db
      .updateTable('email_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', u.id)
      .execute();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      payload: { token, password: 'a brand new passphrase' },
    });
    expect(json(res).code).toBe('token_invalid');
    await signInAs(app, u.email, u.password);
  });
});

describe('mail worker', () => {
  it('retries a failed delivery with backoff and keeps the same Message-ID', async () => {
    const u = await createUser(app);
    await deliver(); // the verification mail goes out first
    sink.failNext(1);
    await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: u.email } });
    await deliver();
    const row = await app.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', u.email)
      .where('template', '=', 'reset_password')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeTruthy();
    expect(new Date(row.next_attempt_at as unknown as Date).getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Make it due again (instead of waiting 30 s) and deliver.
    await app.db
      .updateTable('outbox')
      .set({ next_attempt_at: sql`now()` })
      .where('id', '=', row.id)
      .execute();
    await deliver();
    const mail = await sink.nextMessageTo(u.email, { template: 'reset_password' });
    expect(mail.messageId).toBe(`<${row.idempotency_key.replace(/[^\w.-]/g, '.')}@atrium.localhost>`);
    const sent = await app.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(2);
  });

  it('serves queued mail in the dev mailbox in development only', async () => {
    const u = await createUser(ctx.app);
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/v1/dev/mailbox?to=${encodeURIComponent(u.email)}`,
    });
    expect(list.statusCode).toBe(200);
    const messages = json<{ messages: { id: string; template: string }[] }>(list).messages;
    expect(messages.map((m) => m.template)).toEqual(['verify_email']);
    const one = await ctx.app.inject({ method: 'GET', url: `/v1/dev/mailbox/${messages[0]?.id}` });
    expect(json<{ text: string }>(one).text).toContain('/v1/auth/verify-email?token=');

    const prod = await buildApp(
      { ...ctx.config, mode: 'production' },
      { database: ctx.database, skipMigrations: true },
    );
    try {
      const res = await prod.inject({ method: 'GET', url: '/v1/dev/mailbox' });
      expect(res.statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
