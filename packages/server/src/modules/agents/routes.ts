import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { execute } from '../../command/http';
import { validationFailed } from '../../errors';
import { access } from '../../http/access';
import { scopeOf, userOf } from '../../http/guard';
import { Deleted, WorkspaceParams } from '../workspaces/schema';
import { createAgent, decideAgent, deleteAgent, updateAgent } from './commands/lifecycle';
import { addAgentMember, inviteAgentMember, removeAgentMember, updateAgentMember } from './commands/members';
import { getAgent, getAgentMember, listAgentMembers, listAgents } from './queries';
import {
  AddAgentMemberBody,
  AgentList,
  AgentMemberInvited,
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

const tags = ['agents'];

/** Agents (create, plan, approve, reject, delete) and their users (docs/rules.md §2, §4). */
export const agentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * The access state to present an answer from: the one after the change
   * when the command changed access (the wrapper settled this instance's
   * cache at that revision), else the one the guard decided on.
   */
  const after = async (req: FastifyRequest, revision: number | null) => {
    const scope = scopeOf(req);
    if (revision === null) return scope.state;
    return (await app.accessState.get(scope.workspaceId, revision)) ?? scope.state;
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
      userOf(req);
      const { value, revision } = await execute(req, createAgent, {
        name: req.body.name.trim(),
        plan: req.body.plan ?? 'starter',
      });
      const state = await after(req, revision);
      reply.status(201);
      return {
        ...(await getAgent(app.db, state, scope.subject, value.id)),
        revision: revision ?? state.revision,
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
      const { revision } = await execute(req, updateAgent, {
        agentId,
        patch: { name: req.body.name?.trim(), plan: req.body.plan },
      });
      const state = await after(req, revision);
      return {
        ...(await getAgent(app.db, state, scope.subject, agentId)),
        revision: revision ?? state.revision,
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
        const { revision } = await execute(req, decideAgent, { agentId, decision });
        const state = await after(req, revision);
        return {
          ...(await getAgent(app.db, state, scope.subject, agentId)),
          revision: revision ?? state.revision,
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
      const { value, revision } = await execute(req, deleteAgent, {
        agentId: req.params.agentId,
        confirm: req.body.confirm,
      });
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
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
        response: { 201: AgentMemberView, 202: AgentMemberInvited },
        summary: 'Give a workspace member (userId) a role on this agent, or invite an address (email) to it',
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
      if (body.email !== undefined) {
        // By email: an invitation, answered the same whether or not the
        // address has an account (docs/security.md "Enumeration").
        const { value } = await execute(req, inviteAgentMember, {
          agentId: req.params.agentId,
          body: { ...body, email: body.email },
          settings: app.config,
        });
        reply.status(202);
        return value;
      }
      const { value, revision } = await execute(req, addAgentMember, {
        agentId: req.params.agentId,
        body,
      });
      reply.status(201);
      return {
        ...(await getAgentMember(app.db, scope.workspaceId, req.params.agentId, value.userId)),
        revision: revision ?? scope.state.revision,
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
      const { revision } = await execute(req, updateAgentMember, { agentId, userId, patch: req.body });
      return {
        ...(await getAgentMember(app.db, scope.workspaceId, agentId, userId)),
        revision: revision ?? scope.state.revision,
      };
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
      const { value, revision } = await execute(req, removeAgentMember, {
        agentId: req.params.agentId,
        userId: req.params.userId,
      });
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );
};
