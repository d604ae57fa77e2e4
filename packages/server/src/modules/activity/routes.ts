import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { purgeActivity, recordExport, setRetention } from './commands';
import { startPurgeJob } from './job';
import { getRetention } from './retention';
import {
  ActivityPage,
  ActivityQuery,
  ExportQuery,
  MeActivityQuery,
  PurgeResponse,
  RetentionBody,
  RetentionResponse,
  SealKeyResponse,
  VerifyResponse,
  WorkspaceParams,
} from './schema';
import { startSealJob } from './seal-job';
import { exportStream, searchActivity, toFilter } from './service';
import { verifyChain } from './verify';

const TAGS = ['activity'];

/**
 * The activity log's HTTP API (docs/rules.md §5, §6 `/activity /activity/export
 * /activity/verify`): reading, exporting and verifying need `activity.read`
 * (workspace admins); changing retention and purging need
 * `workspace.manage` (also admins only). The seals' public key is public.
 * Also starts the periodic purge and seal jobs.
 */
export const activityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  startPurgeJob(app);
  startSealJob(app);

  app.get(
    '/v1/audit/seal-key',
    {
      // Public by design: anyone holding a chain's head and seal can check it (docs/audit.md "Signed seals").
      config: { access: access.public() },
      schema: {
        tags: TAGS,
        summary: "The public key that signs the activity chains' seals (Ed25519)",
        response: { 200: SealKeyResponse },
      },
    },
    async (req) => {
      const key = req.server.config.auditSigningKey;
      return { algorithm: 'Ed25519' as const, keyId: key.keyId, publicKey: key.publicKeyRaw, pem: key.pem };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/activity',
    {
      config: { access: access.capability('activity.read') },
      schema: {
        tags: TAGS,
        summary: 'Search the activity log, newest first (cursor pagination)',
        params: WorkspaceParams,
        querystring: ActivityQuery,
        response: { 200: ActivityPage },
      },
    },
    async (req) => {
      const { workspaceId } = scopeOf(req);
      const { cursor, limit, ...filters } = req.query;
      return searchActivity(req.server.db, toFilter(workspaceId, filters), { cursor, limit });
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/activity/export',
    {
      config: { access: access.capability('activity.read') },
      schema: {
        tags: TAGS,
        summary: 'Export the filtered activity log as CSV or JSON lines (streamed)',
        params: WorkspaceParams,
        querystring: ExportQuery,
        produces: ['text/csv', 'application/x-ndjson'],
      },
    },
    async (req, reply) => {
      const { workspaceId } = scopeOf(req);
      const { format, ...filters } = req.query;
      const filter = toFilter(workspaceId, filters);
      // Reading the audit trail out of Atrium is itself worth auditing.
      await execute(req, recordExport, { format, filters });
      const day = new Date().toISOString().slice(0, 10);
      const name = `atrium-activity-${workspaceId.slice(0, 8)}-${day}.${format}`;
      return reply
        .header(
          'content-type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(exportStream(req.server.db, filter, format));
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/activity/verify',
    {
      config: { access: access.capability('activity.read') },
      schema: {
        tags: TAGS,
        summary: 'Verify the hash chain: intact, or the first entry that does not verify',
        params: WorkspaceParams,
        response: { 200: VerifyResponse },
      },
    },
    async (req) =>
      verifyChain(req.server.db, scopeOf(req).workspaceId, { sealKey: req.server.config.auditSigningKey }),
  );

  app.get(
    '/v1/workspaces/:workspaceId/activity/retention',
    {
      config: { access: access.capability('activity.read') },
      schema: {
        tags: TAGS,
        summary: 'The retention period of the activity log',
        params: WorkspaceParams,
        response: { 200: RetentionResponse },
      },
    },
    async (req) => ({ retentionDays: await getRetention(req.server.db, scopeOf(req).workspaceId) }),
  );

  app.put(
    '/v1/workspaces/:workspaceId/activity/retention',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags: TAGS,
        summary: 'Set the retention period (days; null keeps entries forever)',
        params: WorkspaceParams,
        body: RetentionBody,
        response: { 200: RetentionResponse },
      },
    },
    async (req) => (await execute(req, setRetention, { days: req.body.retentionDays })).value,
  );

  app.post(
    '/v1/workspaces/:workspaceId/activity/purge',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags: TAGS,
        summary: 'Delete entries older than the retention period now; the chain stays verifiable',
        params: WorkspaceParams,
        response: { 200: PurgeResponse },
      },
    },
    async (req) => (await execute(req, purgeActivity, { recordWhenEmpty: true })).value,
  );

  app.get(
    '/v1/me/activity',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: TAGS,
        summary: "Your own account's events (sign-ins, failed sign-ins, profile and session changes)",
        querystring: MeActivityQuery,
        response: { 200: ActivityPage },
      },
    },
    async (req) => {
      const user = userOf(req);
      const { cursor, limit, ...filters } = req.query;
      return searchActivity(
        req.server.db,
        { ...toFilter(null, filters), involvingUser: user.userId },
        { cursor, limit },
      );
    },
  );
};
