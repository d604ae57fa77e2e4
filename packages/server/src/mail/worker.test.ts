import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink';
import { openDatabase } from '../db';
import { enqueueEmail } from './outbox';
import { escapeHtml, resetPasswordTemplate } from './templates';
import { backoffMs, MAX_ATTEMPTS, messageIdFor, startMailWorker } from './worker';

const ctx = useTestApp();
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

describe('mail worker', () => {
  it('two workers (two connections on PostgreSQL) deliver each queued message exactly once', async () => {
    const tag = `batch-${Date.now()}`;
    const addresses = Array.from({ length: 12 }, (_, i) => `${tag}-${i}@example.com`);
    await ctx.database.db.transaction().execute(async (tx) => {
      for (const to of addresses) {
        await enqueueEmail(tx, {
          to,
          template: 'test',
          subject: `Hello ${to}`,
          text: 'plain',
          html: '<p>html</p>',
          idempotencyKey: `test:${to}`,
        });
      }
    });
    // A second handle on the same database: on PostgreSQL its own pool, so the claims really race.
    const other = ctx.testDb.url
      ? await openDatabase({ kind: 'postgres', url: ctx.testDb.url, poolSize: 2 })
      : null;
    const options = { smtpUrl: sink.url, mailFrom: 'Atrium <no-reply@atrium.localhost>', pollMs: 3_600_000 };
    // The workers deliver whatever is due, ours and any mail another test of this file left queued.
    const { due } = await ctx.database.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('due'))
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .executeTakeFirstOrThrow();
    expect(Number(due)).toBeGreaterThanOrEqual(12);
    const a = startMailWorker(ctx.database.db, options);
    const b = startMailWorker(other?.db ?? ctx.database.db, options);
    try {
      const [sentA, sentB] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(sentA + sentB).toBe(Number(due));
    } finally {
      await a.stop();
      await b.stop();
      await other?.close();
    }
    const received = sink.messages.filter((m) => m.to[0]?.startsWith(tag));
    expect(received).toHaveLength(12);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(12);
    const rows = await ctx.database.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('to_address', 'in', addresses)
      .execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('enqueues a given idempotency key once', async () => {
    const key = `once:${Date.now()}`;
    const first = await enqueueEmail(ctx.database.db, {
      to: 'once@example.com',
      template: 'test',
      subject: 's',
      text: 't',
      html: 'h',
      idempotencyKey: key,
    });
    const second = await enqueueEmail(ctx.database.db, {
      to: 'once@example.com',
      template: 'test',
      subject: 's',
      text: 't',
      html: 'h',
      idempotencyKey: key,
    });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
  });

  it('gives up after the last attempt and marks the message failed', async () => {
    const key = `doomed:${Date.now()}`;
    await enqueueEmail(ctx.database.db, {
      to: 'doomed@example.com',
      template: 'test',
      subject: 's',
      text: 't',
      html: 'h',
      idempotencyKey: key,
    });
    await ctx.database.db
      .updateTable('outbox')
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where('idempotency_key', '=', key)
      .execute();
    // Port 9 on loopback: nothing listens, every send fails.
    const worker = startMailWorker(ctx.database.db, {
      smtpUrl: 'smtp://127.0.0.1:9',
      mailFrom: 'a@b.example',
      pollMs: 3_600_000,
    });
    try {
      await worker.runOnce();
    } finally {
      await worker.stop();
    }
    const row = await ctx.database.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'last_error'])
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row.last_error).toBeTruthy();
  });
});

describe('mail helpers', () => {
  it('backs off exponentially with a cap', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });

  it('derives a valid Message-ID from the idempotency key and the sender domain', () => {
    expect(messageIdFor('invitation:abc:2', 'Atrium <no-reply@mail.example.com>')).toBe(
      '<invitation.abc.2@mail.example.com>',
    );
  });

  it('escapes every interpolated value in HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const mail = resetPasswordTemplate({
      name: '<script>',
      url: 'https://x.example/r#token="a"',
      expiresInMinutes: 60,
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('href="https://x.example/r#token=&quot;a&quot;"');
    expect(mail.text).toContain('<script>');
  });
});
