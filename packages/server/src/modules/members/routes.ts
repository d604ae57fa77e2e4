import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { WorkspaceParams } from '../workspaces/schema';
import { bulkUpdatePermissions, leaveWorkspace, removeMember, updateMember } from './commands';
import { exportMembersCsv, getMember, listMembers } from './queries';
import {
  BulkPermissionsBody,
  BulkResult,
  ConfirmBody,
  Left,
  ListMembersQuery,
  MemberPage,
  MemberParams,
  MemberView,
  Removed,
  UpdateMemberBody,
} from './schema';

const tags = ['members'];

/** Workspace members: list, export, read, change, bulk edit, remove, leave (docs/rules.md §4). */
export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/workspaces/:workspaceId/members',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: MemberPage },
        summary: 'Members, with role, agent access, grant, agents and last activity',
        params: WorkspaceParams,
        querystring: ListMembersQuery,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return listMembers(app.db, scope.state, scope.subject, req.query);
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/members/export.csv',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        summary: 'The member list as CSV (roles, agents, last activity)',
        params: WorkspaceParams,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const csv = await exportMembersCsv(app.db, scope.workspaceId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="members.csv"')
        .send(csv);
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/members/bulk-permissions',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: BulkResult },
        summary: 'Set the workspace grant of many members at once (replace or merge)',
        params: WorkspaceParams,
        body: BulkPermissionsBody,
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, bulkUpdatePermissions, req.body);
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/members/:userId',
    {
      config: { access: access.capability('workspace.read') },
      schema: { tags, response: { 200: MemberView }, summary: 'One member', params: MemberParams },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getMember(app.db, scope.state, scope.subject, req.params.userId);
    },
  );

  app.patch(
    '/v1/workspaces/:workspaceId/members/:userId',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: MemberView },
        summary: "Change a member's role (confirmReset), agent access, matrix or linked preset",
        params: MemberParams,
        body: UpdateMemberBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { revision } = await execute(req, updateMember, { userId: req.params.userId, patch: req.body });
      // Presented from the state after the change (the wrapper settled this instance's cache).
      const state =
        revision === null
          ? scope.state
          : ((await app.accessState.get(scope.workspaceId, revision)) ?? scope.state);
      return {
        ...(await getMember(app.db, state, scope.subject, req.params.userId)),
        revision: state.revision,
      };
    },
  );

  app.delete(
    '/v1/workspaces/:workspaceId/members/:userId',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: Removed },
        summary: "Remove a member (type the member's email to confirm)",
        params: MemberParams,
        body: ConfirmBody,
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, removeMember, {
        userId: req.params.userId,
        confirm: req.body.confirm,
      });
      return { ...value, revision: revision as number };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/leave',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: Left },
        summary: 'Leave the workspace (the last admin cannot)',
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, leaveWorkspace, {});
      return { ...value, revision: revision as number };
    },
  );
};
