import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validationFailed } from '../../errors';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { settleRevisions, writeContext } from '../workspaces/common';
import { Deleted, WorkspaceParams } from '../workspaces/schema';
import {
  AddAgentMemberBody,
  AgentList,
  AgentMemberList,
  AgentMemberParams,
  AgentMemberView,
  AgentParams,
  AgentView,
  CreateAgentBody,
  DeleteAgentBody,
  Removed,
  UpdateAgentBody,
  UpdateAgentMemberBody,
} from './schema';
import {
  addAgentMember,
  createAgent,
  decideAgent,
  deleteAgent,
  getAgent,
  getAgentMember,
  listAgentMembers,
  listAgents,
  removeAgentMember,
  updateAgent,
  updateAgentMember,
} from './service';

const tags = ['agents'];

/** Agents (create, plan, approve, reject, delete) and their users (SPEC §2, §4). */
export const agentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  settleRevisions(app);
  const fresh = async (workspaceId: string, revision: number) => {
    const state = await app.accessState.get(workspaceId, revision);
    if (!state) throw new Error('workspace vanished');
    return state;
  };

  app.get(
    '/v1/workspaces/:workspaceId/agents',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: AgentList },
        summary: 'The agents you have access to (workspace admins: all)',
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return { agents: await listAgents(app.db, scope.state, scope.subject) };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/agents',
    {
      config: { access: access.capability('agent.create') },
      schema: {
        tags,
        response: { 201: AgentView },
        summary: 'Create an agent (you become its agent admin; a paid plan may need approval)',
        params: WorkspaceParams,
        body: CreateAgentBody,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const user = userOf(req);
      const { id, revision } = await createAgent(
        app.db,
        scope.state,
        user.userId,
        { name: req.body.name.trim(), plan: req.body.plan ?? 'starter' },
        writeContext(req),
      );
      reply.status(201);
      return {
        ...(await getAgent(app.db, await fresh(scope.workspaceId, revision), scope.subject, id)),
        revision,
      };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/agents/:agentId',
    {
      config: { access: access.capability('agent.read') },
      schema: { tags, response: { 200: AgentView }, summary: 'One agent', params: AgentParams },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getAgent(app.db, scope.state, scope.subject, req.params.agentId);
    },
  );

  app.patch(
    '/v1/workspaces/:workspaceId/agents/:agentId',
    {
      config: { access: access.capability('agent.manage') },
      schema: {
        tags,
        response: { 200: AgentView },
        summary: 'Rename an agent or change its plan',
        params: AgentParams,
        body: UpdateAgentBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { agentId } = req.params;
      const { revision } = await updateAgent(
        app.db,
        scope.state,
        scope.subject,
        agentId,
        { name: req.body.name?.trim(), plan: req.body.plan },
        writeContext(req),
      );
      return {
        ...(await getAgent(app.db, await fresh(scope.workspaceId, revision), scope.subject, agentId)),
        revision,
      };
    },
  );

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(
      `/v1/workspaces/:workspaceId/agents/:agentId/${verb}`,
      {
        config: { access: access.capability('agent.approve') },
        schema: {
          tags,
          response: { 200: AgentView },
          summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a paid agent waiting for approval (workspace admins; never your own)`,
          params: AgentParams,
        },
      },
      async (req) => {
        const scope = scopeOf(req);
        const { agentId } = req.params;
        const { revision } = await decideAgent(
          app.db,
          scope.state,
          scope.subject,
          agentId,
          decision,
          writeContext(req),
        );
        return {
          ...(await getAgent(app.db, await fresh(scope.workspaceId, revision), scope.subject, agentId)),
          revision,
        };
      },
    );
  }

  app.delete(
    '/v1/workspaces/:workspaceId/agents/:agentId',
    {
      config: { access: access.capability('agent.manage') },
      schema: {
        tags,
        response: { 200: Deleted },
        summary: 'Delete an agent (type its name to confirm)',
        params: AgentParams,
        body: DeleteAgentBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return deleteAgent(app.db, scope.state, req.params.agentId, req.body.confirm, writeContext(req));
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/agents/:agentId/members',
    {
      config: { access: access.capability('agent.read') },
      schema: {
        tags,
        response: { 200: AgentMemberList },
        summary: 'The users of an agent, with their agent role and grant',
        params: AgentParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return { members: await listAgentMembers(app.db, scope.workspaceId, req.params.agentId) };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/agents/:agentId/members',
    {
      config: { access: access.capability('agent.manage') },
      schema: {
        tags,
        response: { 201: AgentMemberView },
        summary: 'Give a user a role on this agent (an account not yet in the workspace joins it)',
        params: AgentParams,
        body: AddAgentMemberBody,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const body = req.body;
      if ((body.userId === undefined) === (body.email === undefined)) {
        throw validationFailed([{ path: '/body/userId', message: 'send exactly one of userId or email' }]);
      }
      const { userId, revision, joinedWorkspace } = await addAgentMember(
        app.db,
        scope.state,
        scope.subject,
        req.params.agentId,
        body,
        writeContext(req),
        app.config.publicUrl,
      );
      reply.status(201);
      return {
        ...(await getAgentMember(app.db, scope.workspaceId, req.params.agentId, userId)),
        joinedWorkspace,
        revision,
      };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/agents/:agentId/members/:userId',
    {
      config: { access: access.capability('agent.read') },
      schema: {
        tags,
        response: { 200: AgentMemberView },
        summary: 'One user of an agent',
        params: AgentMemberParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return getAgentMember(app.db, scope.workspaceId, req.params.agentId, req.params.userId);
    },
  );

  app.patch(
    '/v1/workspaces/:workspaceId/agents/:agentId/members/:userId',
    {
      config: { access: access.capability('agent.manage') },
      schema: {
        tags,
        response: { 200: AgentMemberView },
        summary: "Change a user's agent role, matrix or linked preset",
        params: AgentMemberParams,
        body: UpdateAgentMemberBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { agentId, userId } = req.params;
      const { revision } = await updateAgentMember(
        app.db,
        scope.state,
        scope.subject,
        agentId,
        userId,
        req.body,
        writeContext(req),
      );
      return { ...(await getAgentMember(app.db, scope.workspaceId, agentId, userId)), revision };
    },
  );

  app.delete(
    '/v1/workspaces/:workspaceId/agents/:agentId/members/:userId',
    {
      config: { access: access.capability('agent.manage') },
      schema: {
        tags,
        response: { 200: Removed },
        summary: "Take a user's role on this agent away",
        params: AgentMemberParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      return removeAgentMember(
        app.db,
        scope.state,
        scope.subject,
        req.params.agentId,
        req.params.userId,
        writeContext(req),
      );
    },
  );
};
