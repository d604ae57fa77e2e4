import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../../command/http';
import { access } from '../../../http/access';
import {
  AddDataSourceBody,
  AgentItemParams,
  AgentParams,
  DataSourceView,
  UpdateDataSourceBody,
} from '../schema';
import { agentOf, BASE, canEdit, RESOURCE_PERMISSIONS as P } from '../scope';
import { addDataSource, removeDataSource, updateDataSource } from './commands';
import { listDataSources, presentDataSource } from './queries';

const tags = ['data sources'];

/** An agent's knowledge sources (docs/rules.md §2 `build.knowledge`). */
export const dataSourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    `${BASE}/data-sources`,
    {
      config: { access: access.permission(P.dataSources, 'read') },
      schema: {
        tags,
        summary: "The agent's knowledge sources",
        params: AgentParams,
        response: {
          200: Type.Object({
            dataSources: Type.Array(DataSourceView),
            can: Type.Object({ edit: Type.Boolean() }),
          }),
        },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return {
        dataSources: await listDataSources(app.db, workspaceId, agentId),
        can: canEdit(req, P.dataSources),
      };
    },
  );
  app.post(
    `${BASE}/data-sources`,
    {
      config: { access: access.permission(P.dataSources, 'edit') },
      schema: {
        tags,
        summary: 'Add a data source',
        params: AgentParams,
        body: AddDataSourceBody,
        response: { 201: DataSourceView },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, addDataSource, {
        agentId: agentOf(req).agentId,
        source: req.body,
      });
      reply.status(201);
      return presentDataSource(value);
    },
  );
  app.patch(
    `${BASE}/data-sources/:id`,
    {
      config: { access: access.permission(P.dataSources, 'edit') },
      schema: {
        tags,
        summary: 'Rename a data source or report its indexing status',
        params: AgentItemParams,
        body: UpdateDataSourceBody,
        response: { 200: DataSourceView },
      },
    },
    async (req) => {
      const { value } = await execute(req, updateDataSource, {
        agentId: agentOf(req).agentId,
        id: req.params.id,
        patch: req.body,
      });
      return presentDataSource(value);
    },
  );
  app.delete(
    `${BASE}/data-sources/:id`,
    {
      config: { access: access.permission(P.dataSources, 'edit') },
      schema: { tags, summary: 'Remove a data source', params: AgentItemParams },
    },
    async (req, reply) => {
      await execute(req, removeDataSource, { agentId: agentOf(req).agentId, id: req.params.id });
      return reply.status(204).send();
    },
  );
};
