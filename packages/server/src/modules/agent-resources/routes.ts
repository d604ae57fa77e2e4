import type { Permission } from '@atrium/policy';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { levelIn, reaches, writeContext } from './context';
import {
  AddDataSourceBody,
  AgentItemParams,
  AgentParams,
  BrandingBody,
  BrandingView,
  ConversationSummary,
  ConversationView,
  CreateFeedbackBody,
  CreateShareLinkBody,
  DataSourceView,
  EmbedView,
  FeedbackView,
  IngestConversationBody,
  ListConversationsQuery,
  ListFeedbackQuery,
  PersonaBody,
  PersonaView,
  PrivacyBody,
  PrivacyView,
  ShareLinkView,
  UpdateDataSourceBody,
  UpdateFeedbackBody,
  UpdateShareLinkBody,
  WidgetParams,
  WidgetView,
} from './schema';
import {
  type AgentSettings,
  addDataSource,
  createFeedback,
  createShareLink,
  type Disclosure,
  deleteShareLink,
  embedSnippet,
  getConversation,
  getSettings,
  ingestConversation,
  listConversations,
  listDataSources,
  listFeedback,
  listShareLinks,
  removeDataSource,
  resolveWidget,
  updateDataSource,
  updateFeedback,
  updateSettings,
  updateShareLink,
} from './service';

const BASE = '/v1/workspaces/:workspaceId/agents/:agentId';

/**
 * Catalog items each resource is governed by (SPEC §2). Routes name them; the
 * guard enforces them. The two transcript items below are *declared second
 * permissions*: they never refuse a request, they decide what a transcript
 * shows (SPEC §2: `conversation_pii` = unmasked personal data,
 * `call_download` = recordings).
 */
export const RESOURCE_PERMISSIONS = {
  persona: 'build.agent',
  branding: 'channels.chat',
  privacy: 'configure.security',
  dataSources: 'build.knowledge',
  feedback: 'analytics.feedback',
  conversations: 'analytics.conversations',
  conversationPii: 'analytics.conversation_pii',
  callDownload: 'analytics.call_download',
  shareLinks: 'channels.chat',
} as const satisfies Record<string, Permission>;

function disclosureOf(req: FastifyRequest): Disclosure {
  const scope = scopeOf(req);
  return {
    pii: reaches(levelIn(scope, RESOURCE_PERMISSIONS.conversationPii), 'read'),
    recordings: reaches(levelIn(scope, RESOURCE_PERMISSIONS.callDownload), 'read'),
  };
}

function canEdit(req: FastifyRequest, permission: Permission) {
  return { edit: reaches(levelIn(scopeOf(req), permission), 'edit') };
}

function agentOf(req: FastifyRequest): { workspaceId: string; agentId: string } {
  const scope = scopeOf(req);
  return { workspaceId: scope.workspaceId, agentId: scope.agentId as string };
}

function personaView(agentId: string, s: AgentSettings, can: { edit: boolean }) {
  return { agentId, persona: s.persona, updatedAt: s.updatedAt, can };
}
function brandingView(agentId: string, s: AgentSettings, can: { edit: boolean }) {
  return {
    agentId,
    primaryColor: s.primaryColor,
    accentColor: s.accentColor,
    logoUrl: s.logoUrl,
    updatedAt: s.updatedAt,
    can,
  };
}
function privacyView(agentId: string, s: AgentSettings, can: { edit: boolean }) {
  return {
    agentId,
    retentionDays: s.retentionDays,
    piiRedaction: s.piiRedaction,
    updatedAt: s.updatedAt,
    can,
  };
}

/** Agent settings, data sources, feedback, conversations and share links (issue 7). */
export const agentResourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const P = RESOURCE_PERMISSIONS;

  // ------------------------------------------------------------ settings
  app.get(
    `${BASE}/settings/persona`,
    {
      config: { access: access.permission(P.persona, 'read') },
      schema: {
        tags: ['agent settings'],
        summary: "The agent's persona",
        params: AgentParams,
        response: { 200: PersonaView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return personaView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.persona));
    },
  );
  app.patch(
    `${BASE}/settings/persona`,
    {
      config: { access: access.permission(P.persona, 'edit') },
      schema: {
        tags: ['agent settings'],
        summary: "Change the agent's persona",
        params: AgentParams,
        body: PersonaBody,
        response: { 200: PersonaView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      const s = await updateSettings(app.db, workspaceId, agentId, 'persona', req.body, writeContext(req));
      return personaView(agentId, s, canEdit(req, P.persona));
    },
  );

  app.get(
    `${BASE}/settings/branding`,
    {
      config: { access: access.permission(P.branding, 'read') },
      schema: {
        tags: ['agent settings'],
        summary: "The web widget's branding",
        params: AgentParams,
        response: { 200: BrandingView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return brandingView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.branding));
    },
  );
  app.patch(
    `${BASE}/settings/branding`,
    {
      config: { access: access.permission(P.branding, 'edit') },
      schema: {
        tags: ['agent settings'],
        summary: "Change the web widget's colours or logo",
        params: AgentParams,
        body: BrandingBody,
        response: { 200: BrandingView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      const s = await updateSettings(app.db, workspaceId, agentId, 'branding', req.body, writeContext(req));
      return brandingView(agentId, s, canEdit(req, P.branding));
    },
  );

  app.get(
    `${BASE}/settings/privacy`,
    {
      config: { access: access.permission(P.privacy, 'read') },
      schema: {
        tags: ['agent settings'],
        summary: 'Transcript retention and PII redaction',
        params: AgentParams,
        response: { 200: PrivacyView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return privacyView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.privacy));
    },
  );
  app.patch(
    `${BASE}/settings/privacy`,
    {
      // security_enforced caps configure.security to read for non-admins (SPEC §3): they see, not change.
      config: { access: access.permission(P.privacy, 'edit') },
      schema: {
        tags: ['agent settings'],
        summary: 'Change transcript retention or PII redaction',
        params: AgentParams,
        body: PrivacyBody,
        response: { 200: PrivacyView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      const s = await updateSettings(app.db, workspaceId, agentId, 'privacy', req.body, writeContext(req));
      return privacyView(agentId, s, canEdit(req, P.privacy));
    },
  );

  // -------------------------------------------------------- data sources
  app.get(
    `${BASE}/data-sources`,
    {
      config: { access: access.permission(P.dataSources, 'read') },
      schema: {
        tags: ['data sources'],
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
        tags: ['data sources'],
        summary: 'Add a data source',
        params: AgentParams,
        body: AddDataSourceBody,
        response: { 201: DataSourceView },
      },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      reply.status(201);
      return addDataSource(app.db, workspaceId, agentId, req.body, writeContext(req));
    },
  );
  app.patch(
    `${BASE}/data-sources/:id`,
    {
      config: { access: access.permission(P.dataSources, 'edit') },
      schema: {
        tags: ['data sources'],
        summary: 'Rename a data source or report its indexing status',
        params: AgentItemParams,
        body: UpdateDataSourceBody,
        response: { 200: DataSourceView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return updateDataSource(app.db, workspaceId, agentId, req.params.id, req.body, writeContext(req));
    },
  );
  app.delete(
    `${BASE}/data-sources/:id`,
    {
      config: { access: access.permission(P.dataSources, 'edit') },
      schema: { tags: ['data sources'], summary: 'Remove a data source', params: AgentItemParams },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      await removeDataSource(app.db, workspaceId, agentId, req.params.id, writeContext(req));
      return reply.status(204).send();
    },
  );

  // ------------------------------------------------------------ feedback
  app.get(
    `${BASE}/feedback`,
    {
      config: { access: access.permission(P.feedback, 'read') },
      schema: {
        tags: ['feedback'],
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
        tags: ['feedback'],
        summary: 'Record feedback on an answer (the agent platform, with an API key)',
        params: AgentParams,
        body: CreateFeedbackBody,
        response: { 201: FeedbackView },
      },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      reply.status(201);
      return createFeedback(app.db, workspaceId, agentId, req.body, writeContext(req));
    },
  );
  app.patch(
    `${BASE}/feedback/:id`,
    {
      config: { access: access.permission(P.feedback, 'edit') },
      schema: {
        tags: ['feedback'],
        summary: 'Resolve or reopen feedback',
        params: AgentItemParams,
        body: UpdateFeedbackBody,
        response: { 200: FeedbackView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return updateFeedback(app.db, workspaceId, agentId, req.params.id, req.body, writeContext(req));
    },
  );

  // ------------------------------------------------------- conversations
  // conversations_hidden caps analytics.conversations to none for non-admins (SPEC §3): 403 here.
  app.get(
    `${BASE}/conversations`,
    {
      config: { access: access.permission(P.conversations, 'read') },
      schema: {
        tags: ['conversations'],
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
        tags: ['conversations'],
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
        tags: ['conversations'],
        summary: 'Ingest a transcript from the agent platform (API key with edit); idempotent on externalId',
        params: AgentParams,
        body: IngestConversationBody,
        response: {
          200: Type.Object({ id: Type.String(), created: Type.Boolean() }),
          201: Type.Object({ id: Type.String(), created: Type.Boolean() }),
        },
      },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      const result = await ingestConversation(app.db, workspaceId, agentId, req.body, writeContext(req));
      reply.status(result.created ? 201 : 200);
      return result;
    },
  );

  // --------------------------------------------------------- share links
  // Agent users hold none on channels.chat unless granted; embedding_disabled caps it to read (SPEC §3).
  app.get(
    `${BASE}/share-links`,
    {
      config: { access: access.permission(P.shareLinks, 'read') },
      schema: {
        tags: ['share links'],
        summary: "The agent's share links and their authorized domains",
        params: AgentParams,
        response: {
          200: Type.Object({
            shareLinks: Type.Array(ShareLinkView),
            can: Type.Object({ edit: Type.Boolean() }),
          }),
        },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return {
        shareLinks: await listShareLinks(app.db, workspaceId, agentId, app.config.publicUrl),
        can: canEdit(req, P.shareLinks),
      };
    },
  );
  app.post(
    `${BASE}/share-links`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: {
        tags: ['share links'],
        summary: 'Create a share link',
        params: AgentParams,
        body: CreateShareLinkBody,
        response: { 201: ShareLinkView },
      },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      reply.status(201);
      return createShareLink(app.db, workspaceId, agentId, req.body, app.config.publicUrl, writeContext(req));
    },
  );
  app.patch(
    `${BASE}/share-links/:id`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: {
        tags: ['share links'],
        summary: 'Rename, enable/disable, or change the authorized domains of a share link',
        params: AgentItemParams,
        body: UpdateShareLinkBody,
        response: { 200: ShareLinkView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return updateShareLink(
        app.db,
        workspaceId,
        agentId,
        req.params.id,
        req.body,
        app.config.publicUrl,
        writeContext(req),
      );
    },
  );
  app.delete(
    `${BASE}/share-links/:id`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: { tags: ['share links'], summary: 'Delete a share link', params: AgentItemParams },
    },
    async (req, reply) => {
      const { workspaceId, agentId } = agentOf(req);
      await deleteShareLink(app.db, workspaceId, agentId, req.params.id, writeContext(req));
      return reply.status(204).send();
    },
  );
  app.get(
    `${BASE}/share-links/:id/embed`,
    {
      config: { access: access.permission(P.shareLinks, 'read') },
      schema: {
        tags: ['share links'],
        summary: 'The embed snippet of the web widget for a share link',
        params: AgentItemParams,
        response: { 200: EmbedView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return embedSnippet(app.db, workspaceId, agentId, req.params.id, app.config.publicUrl);
    },
  );

  // The widget's own lookup: public (the unguessable slug is the credential), belongs to no
  // workspace path, and enforces the link's authorized domains against the browser's Origin.
  app.get(
    '/v1/share/:slug',
    {
      config: { access: access.public() },
      schema: {
        tags: ['share links'],
        summary:
          'What the web widget shows for a share link (checks the embedding page against the authorized domains)',
        params: WidgetParams,
        response: { 200: WidgetView },
      },
    },
    async (req, reply) => {
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      const { allowOrigin, view } = await resolveWidget(
        app.db,
        req.params.slug,
        origin,
        app.config.publicUrl,
      );
      if (allowOrigin) reply.header('access-control-allow-origin', allowOrigin).header('vary', 'Origin');
      return view;
    },
  );
};
