import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { notFound } from '../errors';
import { access } from '../http/access';
import { type MailWorker, startMailWorker } from './worker';

declare module 'fastify' {
  interface FastifyInstance {
    /** The outbox sender; null when SMTP_URL is unset (mail stays in the dev mailbox). */
    mailWorker: MailWorker | null;
  }
}

const MessageSummary = Type.Object({
  id: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  template: Type.String(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const Message = Type.Object({
  ...MessageSummary.properties,
  text: Type.String(),
  html: Type.String(),
});

const devMailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['dev'];
  // A local development tool: public (no account is needed to read the links
  // you just asked for), and not registered at all in production mode.
  app.get(
    '/v1/dev/mailbox',
    {
      config: { access: access.public() },
      schema: {
        tags,
        summary: 'Development only: the mail Atrium has queued, newest first',
        querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 320 })) }),
        response: { 200: Type.Object({ messages: Type.Array(MessageSummary) }) },
      },
    },
    async (req) => {
      let q = app.db
        .selectFrom('outbox')
        .select(['id', 'to_address', 'subject', 'template', 'status', 'created_at'])
        .orderBy('created_at', 'desc')
        .limit(100);
      if (req.query.to) q = q.where('to_address', '=', req.query.to.trim().toLowerCase());
      const rows = await q.execute();
      return {
        messages: rows.map((r) => ({
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          template: r.template,
          status: r.status,
          createdAt: new Date(r.created_at as unknown as Date).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/v1/dev/mailbox/:id',
    {
      config: { access: access.public() },
      schema: {
        tags,
        summary: 'Development only: one queued message with its text and HTML',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Message },
      },
    },
    async (req) => {
      const r = await app.db
        .selectFrom('outbox')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!r) throw notFound('message');
      return {
        id: r.id,
        to: r.to_address,
        subject: r.subject,
        template: r.template,
        status: r.status,
        createdAt: new Date(r.created_at as unknown as Date).toISOString(),
        text: r.text_body,
        html: r.html_body,
      };
    },
  );
};

/**
 * Mail: starts the outbox worker when SMTP_URL is set (stopped when the app
 * closes) and, in development mode, serves the dev mailbox.
 */
export const mailPlugin = fp(async (app) => {
  const { smtpUrl, mailFrom } = app.config;
  const worker = smtpUrl
    ? startMailWorker(app.db, {
        smtpUrl,
        mailFrom,
        pollMs: app.config.mode === 'development' ? 1_000 : 2_000,
        onError: (err, outboxId) =>
          app.log.warn({ outboxId, error: String((err as Error)?.message ?? err) }, 'mail delivery failed'),
      })
    : null;
  app.decorate('mailWorker', worker);
  app.addHook('onClose', async () => {
    await worker?.stop();
  });
  if (app.config.mode === 'development') await app.register(devMailboxRoutes);
});
