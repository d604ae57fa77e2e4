/**
 * `@atrium/sdk` — the typed client of Atrium's check API and framework
 * middleware for the agent platform's own services (docs/rules.md §6).
 *
 * @example
 * ```ts
 * import { createClient, requirePermission } from '@atrium/sdk';
 * const atrium = createClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.ATRIUM_API_KEY! });
 * await atrium.check({ workspaceId, agentId, subject: { userId }, permission: 'build.knowledge', level: 'edit' });
 * ```
 *
 * @module
 */
export type { Level, Permission } from '@atrium/policy';
export { AtriumError, createClient } from './client';
export { requirePermission } from './middleware';
export type { paths } from './schema';
export type {
  AtriumClient,
  BatchCheckInput,
  BatchDefaults,
  Catalog,
  CheckInput,
  CheckResult,
  CheckSubject,
  CheckTarget,
  ClientOptions,
  EffectiveAccess,
  PermissionMiddleware,
  Problem,
  RequirePermissionOptions,
  TargetResolver,
  WhoHasAccessPage,
} from './types';
