import type { Level, Permission } from '@atrium/policy';
import createFetchClient from 'openapi-fetch';
import {
  type PermissionMiddleware,
  type RequirePermissionOptions,
  requirePermission,
  type TargetResolver,
} from './middleware';
import type { paths } from './schema';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** Whose access a check asks about: a member (user) or an API key of the workspace. */
export type CheckSubject = { userId: string } | { apiKeyId: string };

/** One access question. `permission` is a catalog name: a typo does not compile. */
export interface CheckInput {
  workspaceId: string;
  /** The agent the question is about; absent or null = workspace-wide. */
  agentId?: string | null;
  subject: CheckSubject;
  permission: Permission;
  /** The level needed. */
  level: Level;
  /** Answer only from state at least this new: pass the `revision` an access write returned. */
  atLeastRevision?: number;
}

/** One check of a compact batch: what it omits comes from the batch's defaults. */
export type BatchCheckInput = Pick<CheckInput, 'permission' | 'level'> &
  Partial<Pick<CheckInput, 'workspaceId' | 'agentId' | 'subject' | 'atLeastRevision'>>;

/** Values every check of a batch takes unless it gives its own. */
export type BatchDefaults = Partial<
  Pick<CheckInput, 'workspaceId' | 'agentId' | 'subject' | 'atLeastRevision'>
>;

/** The answer: whether the subject has at least the level, its actual level, and the revision decided on. */
export interface CheckResult {
  allowed: boolean;
  level: Level;
  revision: number;
}

export type Catalog = Json<'/v1/catalog', 'get'>;
export type EffectiveAccess = Json<'/v1/workspaces/{workspaceId}/members/{userId}/effective', 'get'>;
export type WhoHasAccessPage = Json<'/v1/workspaces/{workspaceId}/access', 'get'>;

/** An RFC 9457 problem document as the Atrium API returns it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; message: string; valid?: string[] }[];
  requestId?: string;
  [extra: string]: unknown;
}

/** A failed API call: the problem details with their stable `code` (see the server's docs/errors.md). */
export class AtriumError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `Atrium answered ${problem.status}`);
    this.name = 'AtriumError';
    this.status = problem.status;
    this.code = problem.code;
  }
}

export interface ClientOptions {
  /** Where Atrium listens, e.g. `https://atrium.example.com`. */
  baseUrl: string;
  /** An Atrium API key (`atr_…`) of the workspace the checks are about. */
  apiKey: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface AtriumClient {
  /** One decision (`POST /v1/check`). */
  check(input: CheckInput): Promise<CheckResult>;
  /** Up to 1,000 decisions in one round trip (`POST /v1/check/batch`), answers in order. */
  checkBatch(checks: readonly CheckInput[]): Promise<CheckResult[]>;
  /**
   * A compact batch: `defaults` (workspace, agent, subject, token) apply to
   * every check that does not give its own — e.g. every permission of one
   * person on one agent, to render a page.
   */
  checkBatch(checks: readonly BatchCheckInput[], defaults: BatchDefaults): Promise<CheckResult[]>;
  /** A member's level on every item, with explanations, grouped by area. */
  effective(input: { workspaceId: string; userId: string; agentId?: string }): Promise<EffectiveAccess>;
  /** Who has at least `level` (default read) on `permission`, one page at a time. */
  whoHasAccess(input: {
    workspaceId: string;
    permission: Permission;
    level?: Level;
    agentId?: string;
    cursor?: string;
    limit?: number;
  }): Promise<WhoHasAccessPage>;
  /** The permission catalog: areas, items, levels, built-in presets. */
  catalog(): Promise<Catalog>;
  /**
   * Fastify/Express middleware answering 403 problem details unless the
   * request's user has `level` on `permission` (see {@link requirePermission}).
   */
  requirePermission<Req = unknown>(
    permission: Permission,
    level: Level,
    resolve: TargetResolver<Req>,
    options?: RequirePermissionOptions,
  ): PermissionMiddleware<Req>;
}

function fail(error: unknown, response: Response): never {
  const problem =
    error && typeof error === 'object' && 'code' in error
      ? (error as Problem)
      : {
          type: 'about:blank',
          title: response.statusText || 'Request failed',
          status: response.status,
          code: 'internal',
        };
  throw new AtriumError(problem);
}

/**
 * A typed client of the Atrium check API, for the agent platform's own
 * services. Types come from the server's OpenAPI document (`schema.d.ts`);
 * permission names and levels from `@atrium/policy`, so a misspelt
 * permission fails to compile.
 *
 * @example
 * ```ts
 * const atrium = createClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.ATRIUM_API_KEY! });
 * const { allowed } = await atrium.check({
 *   workspaceId, agentId, subject: { userId }, permission: 'build.knowledge', level: 'edit',
 * });
 * fastify.put('/knowledge', {
 *   preHandler: atrium.requirePermission('build.knowledge', 'edit', (req) => ({ workspaceId, agentId, userId: req.user?.id })),
 * }, handler);
 * ```
 */
export function createClient(options: ClientOptions): AtriumClient {
  const api = createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client: AtriumClient = {
    async check(input) {
      const { data, error, response } = await api.POST('/v1/check', { body: input });
      if (!data) fail(error, response);
      return data as CheckResult;
    },
    async checkBatch(checks: readonly BatchCheckInput[], defaults: BatchDefaults = {}) {
      if (checks.length === 0) return [];
      const { data, error, response } = await api.POST('/v1/check/batch', {
        body: { ...defaults, checks: [...checks] },
      });
      if (!data) fail(error, response);
      return data.results as CheckResult[];
    },
    async effective({ workspaceId, userId, agentId }) {
      const { data, error, response } = await api.GET(
        '/v1/workspaces/{workspaceId}/members/{userId}/effective',
        { params: { path: { workspaceId, userId }, query: agentId ? { agentId } : {} } },
      );
      if (!data) fail(error, response);
      return data;
    },
    async whoHasAccess({ workspaceId, ...query }) {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/access', {
        params: { path: { workspaceId }, query },
      });
      if (!data) fail(error, response);
      return data;
    },
    async catalog() {
      const { data, error, response } = await api.GET('/v1/catalog');
      if (!data) fail(error, response);
      return data;
    },
    requirePermission: (permission, level, resolve, opts) =>
      requirePermission(client, permission, level, resolve, opts),
  };
  return client;
}
