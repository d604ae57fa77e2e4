/**
 * `@atrium/sdk` — the typed client of Atrium's check API and framework
 * middleware for the agent platform's own services (SPEC §6).
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
export {
  type AtriumClient,
  AtriumError,
  type BatchCheckInput,
  type BatchDefaults,
  type Catalog,
  type CheckInput,
  type CheckResult,
  type CheckSubject,
  type ClientOptions,
  createClient,
  type EffectiveAccess,
  type Problem,
  type WhoHasAccessPage,
} from './client';
export {
  type CheckTarget,
  type PermissionMiddleware,
  type RequirePermissionOptions,
  requirePermission,
  type TargetResolver,
} from './middleware';
export type { paths } from './schema';
