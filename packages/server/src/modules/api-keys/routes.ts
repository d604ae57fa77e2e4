import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { createApiKey, revokeApiKey, transferApiKey } from './commands';
import { getApiKey, listApiKeys } from './queries';

const tags = ['api-keys'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const ApiKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the secret, to recognise the key' }),
  matrix: Nullable(Type.Record(Type.String(), Type.String())),
  presetId: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
  status: Type.Union(
    [Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired'), Type.Literal('suspended')],
    { description: '`suspended`: its creator was removed or demoted (or deleted); transfer it to revive it' },
  ),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Nullable(Type.String()),
  owner: Type.Union(
    [
      Type.Object({
        type: Type.Literal('user'),
        userId: Nullable(Type.String()),
        name: Nullable(Type.String()),
      }),
      Type.Object({ type: Type.Literal('workspace') }),
    ],
    {
      description:
        'A user key works only while its creator is a workspace admin; a workspace (service) key was transferred by an admin',
    },
  ),
});

const WorkspaceParams = Type.Object({ workspaceId: Type.String() });
const KeyParams = Type.Object({ workspaceId: Type.String(), id: Type.String({ format: 'uuid' }) });

/**
 * API keys (docs/rules.md §4 "API keys"): workspace-scoped machine identities with
 * their own matrix or preset, managed by workspace admins. The secret is in
 * the creation answer only.
 */
export const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/workspaces/:workspaceId/api-keys',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'Create an API key (the secret is shown in this answer only)',
        params: WorkspaceParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            matrix: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
            presetId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
            agentId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
            expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            apiKey: ApiKeyView,
            secret: Type.String({ description: '`atr_…`: store it now; it is never shown again' }),
            revision: Type.Integer(),
          }),
        },
      },
    },
    async (req, reply) => {
      const { value, revision } = await execute(req, createApiKey, req.body);
      // The answer carries the secret: never cache it anywhere.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...value, revision: revision ?? scopeOf(req).state.revision });
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/api-keys',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'List the workspace API keys (prefix, scope, expiry, last use; never the secret)',
        params: WorkspaceParams,
        response: { 200: Type.Object({ apiKeys: Type.Array(ApiKeyView) }) },
      },
    },
    async (req) => ({ apiKeys: await listApiKeys(app.db, scopeOf(req).workspaceId) }),
  );

  app.get(
    '/v1/workspaces/:workspaceId/api-keys/:id',
    {
      config: { access: access.capability('workspace.manage') },
      schema: { tags, summary: 'One API key', params: KeyParams, response: { 200: ApiKeyView } },
    },
    async (req) => getApiKey(app.db, scopeOf(req).workspaceId, req.params.id),
  );

  app.delete(
    '/v1/workspaces/:workspaceId/api-keys/:id',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'Revoke an API key (its next request gets 401)',
        params: KeyParams,
        response: { 200: Type.Object({ apiKey: ApiKeyView, revision: Type.Integer() }) },
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, revokeApiKey, { id: req.params.id });
      // An already-revoked key: nothing changed, the answer names the current revision.
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/api-keys/:id/transfer',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'Transfer an API key to the workspace (a service key, no longer bound to its creator)',
        description:
          'A key works only while its creator is a workspace admin; a transferred key keeps working after they leave. `confirm` is the key’s name.',
        params: KeyParams,
        body: Type.Object(
          { confirm: Type.String({ maxLength: 200, description: 'The key’s name, typed' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ apiKey: ApiKeyView, revision: Type.Integer() }) },
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, transferApiKey, {
        id: req.params.id,
        confirm: req.body.confirm,
      });
      // Already a service key: nothing changed, the answer names the current revision.
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );
};
