import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema';

export interface OutgoingEmail {
  to: string;
  /** Template name (`verify_email`, `reset_password`, `invitation`…): shown in the dev mailbox. */
  template: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Unique per logical message (e.g. `invitation:<id>:<n>`): enqueueing the
   * same key twice sends one mail, and it becomes the Message-ID so a retry
   * after a crash is recognisable.
   */
  idempotencyKey: string;
}

/**
 * Queues an email in the caller's transaction (transactional outbox): it is
 * sent by the mail worker only if the change that wrote it commits, and it
 * survives an SMTP outage or a crash. Returns the outbox row id (null when a
 * row with this idempotency key already exists).
 */
export async function enqueueEmail(
  tx: Transaction<DB> | Kysely<DB>,
  email: OutgoingEmail,
): Promise<string | null> {
  const row = await tx
    .insertInto('outbox')
    .values({
      idempotency_key: email.idempotencyKey,
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html,
      template: email.template,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}
