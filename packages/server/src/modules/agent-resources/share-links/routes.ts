import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { execute } from '../../../command/http';
import { access } from '../../../http/access';
import {
  AgentItemParams,
  AgentParams,
  CreateShareLinkBody,
  EmbedView,
  ShareLinkView,
  UpdateShareLinkBody,
  WidgetParams,
  WidgetView,
} from '../schema';
import { agentOf, BASE, canEdit, RESOURCE_PERMISSIONS as P } from '../scope';
import { createShareLink, deleteShareLink, updateShareLink } from './commands';
import { embedSnippet, listShareLinks, presentShareLink, resolveWidget } from './queries';

const tags = ['share links'];

/** Share links of the web widget, their embed snippet, and the widget's public lookup. */
export const shareLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const publicUrl = app.config.publicUrl;

  // Agent users hold none on channels.chat unless granted; embedding_disabled caps it to read (docs/rules.md §3).
  app.get(
    `${BASE}/share-links`,
    {
      config: { access: access.permission(P.shareLinks, 'read') },
      schema: {
        tags,
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
        shareLinks: await listShareLinks(app.db, workspaceId, agentId, publicUrl),
        can: canEdit(req, P.shareLinks),
      };
    },
  );
  app.post(
    `${BASE}/share-links`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: {
        tags,
        summary: 'Create a share link',
        params: AgentParams,
        body: CreateShareLinkBody,
        response: { 201: ShareLinkView },
      },
    },
    async (req, reply) => {
      const { value } = await execute(req, createShareLink, {
        agentId: agentOf(req).agentId,
        link: req.body,
      });
      reply.status(201);
      return presentShareLink(value, publicUrl);
    },
  );
  app.patch(
    `${BASE}/share-links/:id`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: {
        tags,
        summary: 'Rename, enable/disable, or change the authorized domains of a share link',
        params: AgentItemParams,
        body: UpdateShareLinkBody,
        response: { 200: ShareLinkView },
      },
    },
    async (req) => {
      const { value } = await execute(req, updateShareLink, {
        agentId: agentOf(req).agentId,
        id: req.params.id,
        patch: req.body,
      });
      return presentShareLink(value, publicUrl);
    },
  );
  app.delete(
    `${BASE}/share-links/:id`,
    {
      config: { access: access.permission(P.shareLinks, 'edit') },
      schema: { tags, summary: 'Delete a share link', params: AgentItemParams },
    },
    async (req, reply) => {
      await execute(req, deleteShareLink, { agentId: agentOf(req).agentId, id: req.params.id });
      return reply.status(204).send();
    },
  );
  app.get(
    `${BASE}/share-links/:id/embed`,
    {
      config: { access: access.permission(P.shareLinks, 'read') },
      schema: {
        tags,
        summary: 'The embed snippet of the web widget for a share link',
        params: AgentItemParams,
        response: { 200: EmbedView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return embedSnippet(app.db, workspaceId, agentId, req.params.id, publicUrl);
    },
  );

  // The widget's own lookup: public (the unguessable slug is the credential), belongs to no
  // workspace path, and enforces the link's authorized domains against the browser's Origin.
  // A read: it changes nothing, so it runs no command.
  app.get(
    '/v1/share/:slug',
    {
      config: { access: access.public() },
      schema: {
        tags,
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
        publicUrl,
        app.config.widgetAllowHttp,
      );
      if (allowOrigin) reply.header('access-control-allow-origin', allowOrigin).header('vary', 'Origin');
      return view;
    },
  );
};
