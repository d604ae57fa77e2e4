import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Principal } from '../../auth/principal';
import { problem } from '../../errors';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import {
  CheckBatchRequest,
  CheckBatchResponse,
  CheckRequest,
  CheckResult,
  EffectiveParams,
  EffectiveQuery,
  EffectiveResponse,
  WhoHasAccessParams,
  WhoHasAccessQuery,
  WhoHasAccessResponse,
} from './schema';
import { checkBatch, checkOne, effectiveAccess, whoHasAccess } from './service';

const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

function principalOf(req: FastifyRequest): Principal {
  // The route's access (signedIn with apiKey) guarantees a principal.
  if (!req.principal) throw problem('unauthenticated');
  return req.principal;
}

/**
 * The check API (docs/rules.md §3 and §6): decisions for the agent platform's
 * services, and the explained views behind "why can Alice edit Knowledge?".
 *
 * `/v1/check` and `/v1/check/batch` name the workspace in the body, so their
 * route access is "signed in (users or API keys)" and the service applies
 * the one rule `mayInspect` (the `access.check` capability, or a member about
 * themselves) to each question before answering from the compiled index.
 */
/**
 * The check routes answer machines (the agent platform's backends), never a
 * browser page: helmet's per-request header computation (CSP and friends,
 * meaningful for HTML) is skipped on them, keeping the headers that matter
 * for a JSON API. This is the hot path measured by bench/http.ts.
 */
function apiHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'no-store');
}

export const checkRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/v1/check',
    {
      config: { access: access.signedIn({ apiKey: true }), apiKeyCache: true },
      schema: {
        tags: ['check'],
        summary: 'May this subject do this? One decision',
        description:
          'Answers from the instance’s compiled index. Pass `atLeastRevision` (the `revision` an access write returned) to be answered only from state at least that new. A workspace the caller may not inspect answers 404, like one that does not exist. Callers: API keys of the workspace (about anyone), workspace admins (about anyone), members (about themselves).',
        body: CheckRequest,
        response: { 200: CheckResult, 400: Problem, 401: Problem, 404: Problem },
      },
      logLevel: 'warn',
      helmet: false,
    },
    (req: FastifyRequest<{ Body: CheckRequest }>, reply: FastifyReply) => {
      apiHeaders(reply);
      const result = checkOne(app.accessState, principalOf(req), req.body);
      if (result instanceof Promise) return result;
      reply.send(result);
      return reply;
    },
  );

  app.post(
    '/v1/check/batch',
    {
      config: { access: access.signedIn({ apiKey: true }), apiKeyCache: true },
      schema: {
        tags: ['check'],
        summary: 'Up to 1,000 decisions in one request',
        description:
          'One answer per check, in order. Each check may name its own workspace, agent, subject and token, or take the top-level ones (a compact body when many checks share them). A check about a workspace the caller may not inspect answers `{ allowed: false, level: "none", revision: 0 }` (existence is not revealed).',
        body: CheckBatchRequest,
        response: { 200: CheckBatchResponse, 400: Problem, 401: Problem },
      },
      logLevel: 'warn',
      helmet: false,
    },
    async (req: FastifyRequest<{ Body: CheckBatchRequest }>, reply: FastifyReply) => {
      apiHeaders(reply);
      return { results: await checkBatch(app.accessState, principalOf(req), req.body) };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/members/:userId/effective',
    {
      config: { access: access.capability('access.check', { orSelf: true }) },
      schema: {
        tags: ['check'],
        summary: 'A member’s effective access, explained',
        description:
          'Every catalog item’s level for the member (workspace-wide, or about `agentId`), grouped by area with the area summary (`mixed` when its items differ), each with the grants that gave it and the cap that bound it.',
        params: EffectiveParams,
        querystring: EffectiveQuery,
        response: { 200: EffectiveResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req: FastifyRequest<{ Params: EffectiveParams; Querystring: EffectiveQuery }>) => {
      const scope = scopeOf(req);
      return effectiveAccess(scope.state, scope.subject, req.params.userId, req.query.agentId ?? null);
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/access',
    {
      config: { access: access.capability('access.check') },
      schema: {
        tags: ['check'],
        summary: 'Who has access',
        description:
          'Members and API keys with at least `level` (default `read`) on `permission`, workspace-wide or about `agentId`, each with the explanation; paginated (`limit`, `cursor` → `nextCursor`).',
        params: WhoHasAccessParams,
        querystring: WhoHasAccessQuery,
        response: { 200: WhoHasAccessResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req: FastifyRequest<{ Params: WhoHasAccessParams; Querystring: WhoHasAccessQuery }>) => {
      const scope = scopeOf(req);
      return whoHasAccess(app.db, scope.state, scope.subject, req.query);
    },
  );
};
