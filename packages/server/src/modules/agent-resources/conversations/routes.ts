import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../../command/http';
import { access } from '../../../http/access';
import {
  AgentItemParams,
  AgentParams,
  ConversationSummary,
  ConversationView,
  IngestConversationBody,
  ListConversationsQuery,
} from '../schema';
import { agentOf, BASE, disclosureOf, RESOURCE_PERMISSIONS as P } from '../scope';
import { ingestConversation } from './commands';
import { getConversation, listConversations } from './queries';

const tags = ['conversations'];
const Ingested = Type.Object({ id: Type.String(), created: Type.Boolean() });

/**
 * Transcripts and recordings (docs/rules.md §2 `analytics.conversations`;
 * personal data and recordings shown per the declared second permissions).
 */
export const conversationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // conversations_hidden caps analytics.conversations to none for non-admins (docs/rules.md §3): 403 here.
  app.get(
    `${BASE}/conversations`,
    {
      config: { access: access.permission(P.conversations, 'read') },
      schema: {
        tags,
        summary: 'Transcripts (personal data masked without analytics.conversation_pii)',
        params: AgentParams,
        querystring: ListConversationsQuery,
        response: { 200: Type.Object({ conversations: Type.Array(ConversationSummary) }) },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return {
        conversations: await listConversations(app.db, workspaceId, agentId, req.query, disclosureOf(req)),
      };
    },
  );
  app.get(
    `${BASE}/conversations/:id`,
    {
      config: { access: access.permission(P.conversations, 'read') },
      schema: {
        tags,
        summary: 'One transcript; the recording URL needs analytics.call_download',
        params: AgentItemParams,
        response: { 200: ConversationView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return getConversation(app.db, workspaceId, agentId, req.params.id, disclosureOf(req));
    },
  );
  app.post(
    `${BASE}/conversations`,
    {
      config: { access: access.permission(P.conversations, 'edit') },
      schema: {
        tags,
        summary: 'Ingest a transcript from the agent platform (API key with edit); idempotent on externalId',
        params: AgentParams,
        body: IngestConversationBody,
        response: { 200: Ingested, 201: Ingested },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, ingestConversation, {
        agentId: agentOf(req).agentId,
        conversation: req.body,
      });
      reply.status(value.created ? 201 : 200);
      return value;
    },
  );
};
