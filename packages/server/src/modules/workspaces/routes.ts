import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { canBlock, settleRevisions, writeContext } from './common';
import {
  CreateWorkspaceBody,
  Deleted,
  DeleteWorkspaceBody,
  RenameWorkspaceBody,
  WorkspaceDetail,
  WorkspaceParams,
  WorkspaceView,
} from './schema';
import {
  createWorkspace,
  deleteWorkspace,
  getWorkspace,
  listMyWorkspaces,
  presentWorkspace,
  renameWorkspace,
} from './service';

const tags = ['workspaces'];

/** Workspaces: create, list mine, read, rename, delete (SPEC §4, §6). */
export const workspaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  settleRevisions(app);
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
      const { id, revision } = await createWorkspace(
        app.db,
        user.userId,
        req.body.name.trim(),
        writeContext(req),
      );
      const state = await app.accessState.get(id, revision);
      if (!state) throw new Error('workspace vanished after creation');
      const view = await getWorkspace(app.db, state, { userId: user.userId });
      reply.status(201);
      return { ...view, revision };
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
    async (req) => {
      const user = userOf(req);
      const rows = await listMyWorkspaces(app.db, user.userId);
      const workspaces = [];
      for (const row of rows) {
        const state = await app.accessState.get(row.id);
        if (!state) continue;
        workspaces.push(presentWorkspace(row, row.role, canBlock(state, { userId: user.userId })));
      }
      return { workspaces };
    },
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
      const { revision } = await renameWorkspace(
        app.db,
        scope.workspaceId,
        req.body.name.trim(),
        writeContext(req),
      );
      const state = await app.accessState.get(scope.workspaceId, revision);
      return { ...(await getWorkspace(app.db, state ?? scope.state, scope.subject)), revision };
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
      const scope = scopeOf(req);
      return deleteWorkspace(app.db, scope.workspaceId, req.body.confirm, writeContext(req));
    },
  );
};
