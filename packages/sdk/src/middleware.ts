import type { Level, Permission } from '@atrium/policy';
import type {
  AtriumClient,
  CheckResult,
  CheckTarget,
  FastifyLikeReply,
  NodeLikeResponse,
  PermissionMiddleware,
  Problem,
  RequirePermissionOptions,
  TargetResolver,
} from './types';

function problem(status: number, code: string, title: string, detail: string, extra = {}): Problem {
  return { type: `urn:atrium:problem:${code}`, title, status, code, detail, ...extra };
}

/** The decision as a problem document, or null when the request may go on. */
async function decide(
  client: AtriumClient,
  permission: Permission,
  level: Level,
  target: CheckTarget,
  options: RequirePermissionOptions,
): Promise<Problem | null> {
  if (!target.userId) {
    return problem(401, 'unauthenticated', 'Sign in first', 'This request has no signed-in user');
  }
  let decision: CheckResult;
  try {
    decision = await client.check({
      workspaceId: target.workspaceId,
      agentId: target.agentId ?? null,
      subject: { userId: target.userId },
      permission,
      level,
    });
  } catch (err) {
    // Not found (another workspace, or none): the person has no access there.
    if ((err as { status?: number }).status === 404)
      decision = { allowed: false, level: 'none', revision: 0 };
    else throw err;
  }
  options.onDecision?.(decision, target);
  if (decision.allowed) return null;
  return problem(
    403,
    'forbidden',
    'You do not have permission to do this',
    `This needs ${level} on ${permission}`,
    {
      required: { permission, level },
      level: decision.level,
    },
  );
}

/**
 * Middleware that lets a request through only when Atrium says the user has
 * at least `level` on `permission` (about the agent, if any), and otherwise
 * answers 403 problem details (401 when there is no user). Works as a
 * Fastify `preHandler` and as Express/Connect middleware. If Atrium cannot be
 * reached it fails closed (the error goes to Fastify's error handler or to
 * Express's `next(err)`).
 *
 * @example
 * ```ts
 * const atrium = createClient({ baseUrl, apiKey });
 * const canEditKnowledge = requirePermission(atrium, 'build.knowledge', 'edit', (req) => ({
 *   workspaceId: req.params.workspaceId, agentId: req.params.agentId, userId: req.user?.id,
 * }));
 * fastify.put('/agents/:agentId/knowledge', { preHandler: canEditKnowledge }, handler); // Fastify
 * app.put('/agents/:agentId/knowledge', canEditKnowledge, handler); // Express
 * ```
 */
export function requirePermission<Req = unknown>(
  client: AtriumClient,
  permission: Permission,
  level: Level,
  resolve: TargetResolver<Req>,
  options: RequirePermissionOptions = {},
): PermissionMiddleware<Req> {
  function middleware(req: Req, res: FastifyLikeReply | NodeLikeResponse, next?: (err?: unknown) => void) {
    const run = (async () => decide(client, permission, level, await resolve(req), options))();
    // Fastify passes (request, reply, done) too: its reply has code()/send(), and
    // an async hook must not also call done, so the promise alone continues it.
    const isFastify = typeof (res as Partial<FastifyLikeReply>).code === 'function';
    if (!isFastify && typeof next === 'function') {
      const out = res as NodeLikeResponse;
      run.then((denied) => {
        if (!denied) return next();
        out.statusCode = denied.status;
        out.setHeader('content-type', 'application/problem+json; charset=utf-8');
        out.end(JSON.stringify(denied));
      }, next);
      return;
    }
    const reply = res as FastifyLikeReply;
    return run.then((denied) => {
      if (!denied) return undefined;
      // Returning the reply tells Fastify the hook answered the request.
      return reply.code(denied.status).type('application/problem+json; charset=utf-8').send(denied);
    });
  }
  return middleware as PermissionMiddleware<Req>;
}
