import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { pendingMigrations } from '../../db/migrate';
import { problem } from '../../errors';
import { access } from '../../http/access';

const Status = Type.Object({ status: Type.String() });

/** Liveness, readiness and the OpenAPI document. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      config: { access: access.public() },
      schema: { tags: ['ops'], summary: 'The process is up', response: { 200: Status } },
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: access.public() },
      schema: {
        tags: ['ops'],
        summary: 'The database is reachable and every migration is applied',
        response: { 200: Type.Object({ status: Type.String(), database: Type.String() }) },
      },
      logLevel: 'warn',
    },
    async () => {
      try {
        await sql`SELECT 1`.execute(app.db);
        const pending = await pendingMigrations(app.db);
        if (pending.length > 0) throw problem('unavailable', `Migrations pending: ${pending.join(', ')}`);
      } catch (err) {
        if (err instanceof Error && err.name === 'AppError') throw err;
        throw problem('unavailable', 'The database is not reachable');
      }
      return { status: 'ready', database: app.database.kind };
    },
  );

  app.get('/openapi.json', { config: { access: access.public() }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
};
