import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../../command/http';
import { access } from '../../../http/access';
import {
  AgentItemParams,
  AgentParams,
  CreateFeedbackBody,
  FeedbackView,
  ListFeedbackQuery,
  UpdateFeedbackBody,
} from '../schema';
import { agentOf, BASE, canEdit, RESOURCE_PERMISSIONS as P } from '../scope';
import { createFeedback, updateFeedback } from './commands';
import { listFeedback, presentFeedback } from './queries';

const tags = ['feedback'];

/** End-user feedback on an agent's answers (docs/rules.md §2 `analytics.feedback`). */
export const feedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    `${BASE}/feedback`,
    {
      config: { access: access.permission(P.feedback, 'read') },
      schema: {
        tags,
        summary: "End-user feedback on the agent's answers",
        params: AgentParams,
        querystring: ListFeedbackQuery,
        response: {
          200: Type.Object({
            feedback: Type.Array(FeedbackView),
            can: Type.Object({ edit: Type.Boolean() }),
          }),
        },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return {
        feedback: await listFeedback(app.db, workspaceId, agentId, req.query),
        can: canEdit(req, P.feedback),
      };
    },
  );
  app.post(
    `${BASE}/feedback`,
    {
      config: { access: access.permission(P.feedback, 'edit') },
      schema: {
        tags,
        summary: 'Record feedback on an answer (the agent platform, with an API key)',
        params: AgentParams,
        body: CreateFeedbackBody,
        response: { 201: FeedbackView },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, createFeedback, {
        agentId: agentOf(req).agentId,
        feedback: req.body,
      });
      reply.status(201);
      return presentFeedback(value);
    },
  );
  app.patch(
    `${BASE}/feedback/:id`,
    {
      config: { access: access.permission(P.feedback, 'edit') },
      schema: {
        tags,
        summary: 'Resolve or reopen feedback',
        params: AgentItemParams,
        body: UpdateFeedbackBody,
        response: { 200: FeedbackView },
      },
    },
    async (req) => {
      const { value } = await execute(req, updateFeedback, {
        agentId: agentOf(req).agentId,
        id: req.params.id,
        patch: req.body,
      });
      return presentFeedback(value);
    },
  );
};
