import type { FastifyRequest } from 'fastify';
import { NO_ORIGIN, type RequestOrigin } from '../audit/record';
import { actorOf, SYSTEM_ACTOR } from '../auth/principal';
import {
  type Command,
  type CommandResult,
  type CommandRuntime,
  type CommandScope,
  runCommand,
} from './command';

declare module 'fastify' {
  interface FastifyInstance {
    /** What every command runs with (database, access cache): see command.ts. */
    commands: CommandRuntime;
  }
}

/** Where a request came from, for the activity log. */
export function originOf(req: FastifyRequest): RequestOrigin {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: String(req.id),
  };
}

/**
 * The command scope of a request: the workspace and access state the guard
 * resolved (none on account-level routes), the principal as actor and
 * subject, and the request's origin.
 */
export function scopeOfRequest(req: FastifyRequest): CommandScope {
  const p = req.principal;
  return {
    workspaceId: req.scope?.workspaceId ?? null,
    actor: actorOf(p),
    subject: p ? (p.type === 'user' ? { userId: p.userId } : { apiKeyId: p.apiKeyId }) : null,
    origin: originOf(req),
    state: req.scope?.state ?? null,
  };
}

/** The scope of the system acting by itself (jobs, the CLI, the demo seed). */
export function systemScope(workspaceId: string | null = null): CommandScope {
  return { workspaceId, actor: SYSTEM_ACTOR, subject: null, origin: NO_ORIGIN, state: null };
}

/**
 * Runs a command for a request: the route's one call into the command layer.
 * `scope` overrides parts of the request's scope (e.g. the workspace of an
 * account-level route that acts on one).
 *
 * @example
 * ```ts
 * const { value, revision } = await execute(req, updateMember, { userId, patch: req.body });
 * ```
 */
export function execute<I, O>(
  req: FastifyRequest,
  command: Command<I, O>,
  input: I,
  scope: Partial<CommandScope> = {},
): Promise<CommandResult<O>> {
  return runCommand(req.server.commands, { ...scopeOfRequest(req), ...scope }, command, input);
}
