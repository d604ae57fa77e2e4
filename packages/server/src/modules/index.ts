import type { FastifyPluginAsync } from 'fastify';
import { mailPlugin } from '../mail/routes';
import { activityRoutes } from './activity/routes';
import { agentResourceRoutes } from './agent-resources/routes';
import { agentRoutes } from './agents/routes';
import { apiKeyRoutes } from './api-keys/routes';
import { authRoutes } from './auth/routes';
import { billingRoutes } from './billing/routes';
import { catalogRoutes } from './catalog/routes';
import { checkRoutes } from './check/routes';
import { healthRoutes } from './health/routes';
import { invitationRoutes } from './invitations/routes';
import { meRoutes } from './me/routes';
import { memberRoutes } from './members/routes';
import { policyRoutes } from './policies/routes';
import { presetRoutes } from './presets/routes';
import { ticketRoutes } from './tickets/routes';
import { workspaceRoutes } from './workspaces/routes';
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
