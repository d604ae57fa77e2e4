import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { DB } from '../db/schema';

/** A send that fails is retried after 30 s, 1 min, 2 min… up to 1 h, at most this many times. */
export const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 3_600_000;
/** A claimed row is invisible to other workers this long; a crash mid-send frees it afterwards. */
const LEASE_MS = 5 * 60_000;
const BATCH = 10;

export interface MailWorkerOptions {
  smtpUrl: string;
  mailFrom: string;
  /** How often to look for due mail. */
  pollMs?: number;
  /** Where a failed send is reported (never the message body). */
  onError?: (err: unknown, outboxId: string) => void;
}

export interface MailWorker {
  /** Sends every due message once; resolves with how many were sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Delay before attempt `attempts + 1`: exponential, capped. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * The Message-ID of an outbox message, derived from its idempotency key: a
 * retry after a crash (sent, but not yet marked sent) carries the same id,
 * so the receiving side can recognise and drop the duplicate.
 */
export function messageIdFor(idempotencyKey: string, mailFrom: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'atrium.localhost';
  return `<${idempotencyKey.replace(/[^\w.-]/g, '.')}@${domain}>`;
}

/**
 * Claims due outbox rows: `FOR UPDATE SKIP LOCKED` so instances sharing a
 * PostgreSQL server never claim the same row, and a lease (next_attempt_at
 * pushed forward) so a crashed sender's rows come back later.
 */
async function claim(db: Kysely<DB>) {
  return db.transaction().execute(async (tx) => {
    const due = await sql<{ id: string }>`
      SELECT id FROM outbox
      WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED`.execute(tx);
    if (due.rows.length === 0) return [];
    return tx
      .updateTable('outbox')
      .set({
        attempts: sql`attempts + 1`,
        next_attempt_at: sql`now() + make_interval(secs => ${LEASE_MS / 1000})`,
      })
      .where(
        'id',
        'in',
        due.rows.map((r) => r.id),
      )
      .returningAll()
      .execute();
  });
}

/**
 * Delivers pending outbox mail over SMTP with nodemailer (ARCHITECTURE:
 * "no invitation is lost when SMTP or the process fails"). Started by the
 * mail plugin when SMTP_URL is set; without it, mail stays in the outbox and
 * the dev mailbox shows it.
 */
export function startMailWorker(db: Kysely<DB>, options: MailWorkerOptions): MailWorker {
  const transport: Transporter = nodemailer.createTransport(options.smtpUrl);
  let running: Promise<number> | null = null;
  let stopped = false;

  async function sendDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = await claim(db);
      if (rows.length === 0) return sent;
      for (const row of rows) {
        try {
          await transport.sendMail({
            from: options.mailFrom,
            to: row.to_address,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
            messageId: messageIdFor(row.idempotency_key, options.mailFrom),
            headers: { 'X-Atrium-Template': row.template },
          });
          await db
            .updateTable('outbox')
            .set({ status: 'sent', sent_at: sql`now()`, last_error: null })
            .where('id', '=', row.id)
            .execute();
          sent++;
        } catch (err) {
          options.onError?.(err, row.id);
          const failed = row.attempts >= MAX_ATTEMPTS;
          await db
            .updateTable('outbox')
            .set({
              status: failed ? 'failed' : 'pending',
              next_attempt_at: sql`now() + make_interval(secs => ${backoffMs(row.attempts) / 1000})`,
              last_error: String((err as Error)?.message ?? err).slice(0, 500),
            })
            .where('id', '=', row.id)
            .execute();
        }
      }
    }
  }

  function runOnce(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    // One pass at a time per instance; a second caller waits for the current one, then runs again.
    const previous = running ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(() => sendDue());
    running = next.finally(() => {
      if (running === next) running = null;
    });
    return next;
  }

  const timer = setInterval(() => {
    runOnce().catch((err) => options.onError?.(err, '-'));
  }, options.pollMs ?? 2_000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
      transport.close();
    },
  };
}
