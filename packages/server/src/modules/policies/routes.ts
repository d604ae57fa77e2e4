import { NAMED_POLICIES } from '@atrium/policy';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { WorkspaceParams } from '../workspaces/schema';
import { setPolicies } from './commands';
import { getPolicies } from './queries';

const tags = ['policies'];
const Level = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('edit')]);

const PoliciesBody = Type.Object(
  {
    named: Type.Array(Type.String(), {
      maxItems: 10,
      description: `Named policies to switch on: ${NAMED_POLICIES.join(', ')}`,
    }),
    caps: Type.Array(
      Type.Object(
        {
          permission: Type.String({ description: 'A catalog item, e.g. `build.knowledge`' }),
          maxLevel: Level,
          agentId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

const PoliciesView = Type.Object(
  {
    named: Type.Array(Type.String()),
    caps: Type.Array(
      Type.Object({
        id: Type.String(),
        permission: Type.String(),
        maxLevel: Level,
        agentId: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    revision: Type.Integer(),
  },
  { additionalProperties: true },
);

/** Workspace policies: named caps and generic caps (docs/rules.md §3). Members may read; admins change. */
export const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/workspaces/:workspaceId/policies',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: PoliciesView },
        summary: "The workspace's named policies and caps",
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getPolicies(app.db, scope.workspaceId, scope.state.revision);
    },
  );

  app.put(
    '/v1/workspaces/:workspaceId/policies',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: PoliciesView },
        summary: 'Replace the named policies and caps (they bind everyone but workspace admins)',
        params: WorkspaceParams,
        body: PoliciesBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { revision } = await execute(req, setPolicies, req.body);
      return getPolicies(app.db, scope.workspaceId, revision ?? scope.state.revision);
    },
  );
};
