import type { FastifyPluginAsync } from 'fastify';
import { activityRoutes } from './activity/routes';
import { authRoutes } from './auth/routes';
import { meRoutes } from './me/routes';
import { healthRoutes } from './health/routes';
import { apiKeyRoutes } from './api-keys/routes';
import { mailPlugin } from '../mail/routes';
import { catalogRoutes } from './catalog/routes';
import { checkRoutes } from './check/routes';

import { workspaceRoutes } from './workspaces/routes';
import { memberRoutes } from './members/routes';
import { agentRoutes } from './agents/routes';
import { presetRoutes } from './presets/routes';
import { policyRoutes } from './policies/routes';
import { invitationRoutes } from './invitations/routes';
import { agentResourceRoutes } from './agent-resources/routes';
import { billingRoutes } from './billing/routes';
import { ticketRoutes } from './tickets/routes';
/**
 * Every module's routes, registered by buildApp in this order. A module is a
 * folder under modules/ (routes.ts, schema.ts, service.ts, repo.ts, tests).
 */
export const MODULE_ROUTES: readonly FastifyPluginAsync[] = [
  healthRoutes,
  authRoutes,
  meRoutes,
  catalogRoutes,
  checkRoutes,
  activityRoutes,
  mailPlugin,
  workspaceRoutes,
  memberRoutes,
  agentRoutes,
  presetRoutes,
  policyRoutes,
  invitationRoutes,
  apiKeyRoutes,
  agentResourceRoutes,
  billingRoutes,
  ticketRoutes,
];
