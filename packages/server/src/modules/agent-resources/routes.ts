import type { FastifyPluginAsync } from 'fastify';
import { conversationRoutes } from './conversations/routes';
import { dataSourceRoutes } from './data-sources/routes';
import { feedbackRoutes } from './feedback/routes';
import { settingsRoutes } from './settings/routes';
import { shareLinkRoutes } from './share-links/routes';

/**
 * Agent settings, data sources, feedback, conversations and share links
 * (issue 7), one sub-plugin per sub-domain. Each sub-domain keeps its
 * commands, repo, queries and routes in its own folder.
 */
export const agentResourceRoutes: FastifyPluginAsync = async (app) => {
  await app.register(settingsRoutes);
  await app.register(dataSourceRoutes);
  await app.register(feedbackRoutes);
  await app.register(conversationRoutes);
  await app.register(shareLinkRoutes);
};
