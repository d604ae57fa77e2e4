import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { createWorkspace, deleteWorkspace, renameWorkspace } from './commands';
import { getWorkspace, listMyWorkspaces } from './queries';
import {
  CreateWorkspaceBody,
  Deleted,
  DeleteWorkspaceBody,
  RenameWorkspaceBody,
  WorkspaceDetail,
  WorkspaceParams,
  WorkspaceView,
} from './schema';

const tags = ['workspaces'];

/** Workspaces: create, list mine, read, rename, delete (docs/rules.md §4, §6). */
export const workspaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/workspaces',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'Create a workspace (you become its admin)',
        body: CreateWorkspaceBody,
        response: { 201: WorkspaceDetail },
      },
    },
    async (req, reply) => {
      const user = userOf(req);
      const { value, revision } = await execute(req, createWorkspace, { name: req.body.name.trim() });
      const state = await app.accessState.get(value.id, revision ?? undefined);
      if (!state) throw new Error('workspace vanished after creation');
      const view = await getWorkspace(app.db, state, { userId: user.userId });
      reply.status(201);
      return { ...view, revision: revision ?? state.revision };
    },
  );

  app.get(
    '/v1/workspaces',
    {
      config: { access: access.signedIn() },
      schema: {
        tags,
        summary: 'The workspaces you belong to, with your role in each',
        response: { 200: Type.Object({ workspaces: Type.Array(WorkspaceView) }) },
      },
    },
    async (req) => ({ workspaces: await listMyWorkspaces(app.db, app.accessState, userOf(req).userId) }),
  );

  app.get(
    '/v1/workspaces/:workspaceId',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        summary: 'One workspace, with your role and what you may do',
        params: WorkspaceParams,
        response: { 200: WorkspaceDetail },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getWorkspace(app.db, scope.state, scope.subject);
    },
  );

  app.patch(
    '/v1/workspaces/:workspaceId',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'Rename a workspace',
        params: WorkspaceParams,
        body: RenameWorkspaceBody,
        response: { 200: WorkspaceDetail },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      // A name is not access: the revision stays the one the request was decided on.
      const { revision } = await execute(req, renameWorkspace, { name: req.body.name.trim() });
      return {
        ...(await getWorkspace(app.db, scope.state, scope.subject)),
        revision: revision ?? scope.state.revision,
      };
    },
  );

  app.delete(
    '/v1/workspaces/:workspaceId',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'Delete a workspace and everything in it (type its name to confirm)',
        params: WorkspaceParams,
        body: DeleteWorkspaceBody,
        response: { 200: Deleted },
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, deleteWorkspace, { confirm: req.body.confirm });
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );
};
