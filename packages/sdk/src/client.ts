import createFetchClient from 'openapi-fetch';
import { requirePermission } from './middleware';
import type { paths } from './schema';
import type {
  AtriumClient,
  BatchCheckInput,
  BatchDefaults,
  CheckResult,
  ClientOptions,
  Problem,
} from './types';

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
