import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health/routes';

/**
 * Every module's routes, registered by buildApp in this order. A module is a
 * folder under modules/ (routes.ts, schema.ts, service.ts, repo.ts, tests).
 */
export const MODULE_ROUTES: readonly FastifyPluginAsync[] = [healthRoutes];
