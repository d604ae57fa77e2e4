import {
  atLeast,
  type Capability,
  decide,
  hasAgentAccess,
  hasCapability,
  isMember,
  type Subject,
  type WorkspaceState,
} from '@atrium/policy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate } from '../auth/authenticate';
import { actorOf, type Principal } from '../auth/principal';
import { recordDenial } from '../command/command';
import { originOf } from '../command/http';
import { problem } from '../errors';
import { ADMINISTRATIVE_CAPABILITIES, type RouteAccess } from './access';

/** The workspace (and agent) a guarded request acts in, resolved by the guard. */
export interface RequestScope {
  workspaceId: string;
  agentId: string | null;
  subject: Subject;
  /** The access state the guard decided on (its revision is the one the decision saw). */
  state: WorkspaceState;
}

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: see http/access.ts. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    scope: RequestScope | null;
  }
  interface FastifyInstance {
    /** Every route with its declared access, in registration order (tests walk it). */
    routeTable: RouteEntry[];
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Routes added by plugins we do not write (API docs UI, static console files): public by nature. */
function isPluginRoute(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/') || url === '/*' || url.startsWith('/assets/');
}

/** The scope resolved by the guard; only call from routes declaring a capability or permission. */
export function scopeOf(req: FastifyRequest): RequestScope {
  if (!req.scope) throw new Error(`route ${req.routeOptions.url} has no workspace scope`);
  return req.scope;
}

/** The signed-in user; only call from routes that require one. */
export function userOf(req: FastifyRequest): Extract<Principal, { type: 'user' }> {
  const p = req.principal;
  if (p?.type !== 'user') throw problem('forbidden', 'This action needs a signed-in user, not an API key');
  return p;
}

function subjectOf(principal: Principal): Subject {
  return principal.type === 'user' ? { userId: principal.userId } : { apiKeyId: principal.apiKeyId };
}

/**
 * The one guard. Every route must declare `config.access` (registration fails
 * otherwise); before validation of the body, the guard authenticates the
 * request, resolves the workspace and agent from the path, and enforces the
 * declaration. Outside a workspace's membership the answer is always 404,
 * never 403, so existence is not revealed (docs/rules.md §3 step 1).
 */
export const guardPlugin = fp(async (app: FastifyInstance) => {
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorateRequest('principal', null);
  app.decorateRequest('scope', null);

  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: RouteAccess };
    if (!config.access) {
      if (!isPluginRoute(route.url)) {
        throw new Error(
          `Route ${route.method} ${route.url} declares no access (config.access): see http/access.ts`,
        );
      }
      // Static files and the API docs UI: public, and never worth a session lookup.
      route.config = { ...config, access: { kind: 'public' }, anonymous: true } as typeof route.config;
    }
    const declared = (route.config as { access: RouteAccess }).access;
    if (declared.kind === 'capability' && declared.orSelf && !route.url.includes(':userId')) {
      throw new Error(`Route ${route.method} ${route.url} declares orSelf but has no :userId`);
    }
    if (
      (declared.kind === 'capability' || declared.kind === 'permission') &&
      !route.url.includes(':workspaceId')
    ) {
      throw new Error(
        `Route ${route.method} ${route.url} needs a workspace permission but has no :workspaceId`,
      );
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, access: declared });
    }
  });

  app.addHook('preValidation', async (req) => {
    const declared = req.routeOptions.config.access;
    if (!declared) throw problem('not_found');
    if (declared.kind === 'public') {
      if ((req.routeOptions.config as { anonymous?: boolean }).anonymous) return;
      req.principal = await authenticate(req);
      return;
    }
    const principal = await authenticate(req);
    if (!principal) throw problem('unauthenticated');
    req.principal = principal;

    if (declared.kind === 'signed_in') {
      if (principal.type === 'api_key' && !declared.apiKey) {
        throw problem('forbidden', 'API keys cannot use this route; sign in as a user');
      }
      return;
    }

    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const workspaceId = params.workspaceId ?? '';
    const agentId = params.agentId ?? null;
    if (!UUID.test(workspaceId)) throw problem('not_found', 'No such workspace');
    if (agentId !== null && !UUID.test(agentId)) throw problem('not_found', 'No such agent');
    if (principal.type === 'api_key' && principal.workspaceId !== workspaceId) {
      throw problem('not_found', 'No such workspace');
    }

    const state = await req.server.accessState.get(workspaceId);
    const subject = subjectOf(principal);
    // A key of this workspace that the state no longer holds (revoked, expired,
    // or its creator removed or demoted: docs/rules.md §4 "API keys") is no
    // credential at all: 401, as for a revoked key, never 404.
    if (state && principal.type === 'api_key' && !state.apiKeys.has(principal.apiKeyId)) {
      throw problem('unauthenticated', 'This API key is no longer valid');
    }
    if (!state || !isMember(state, subject)) throw problem('not_found', 'No such workspace');
    if (agentId !== null && (!state.agents.has(agentId) || !hasAgentAccess(state, subject, agentId))) {
      throw problem('not_found', 'No such agent');
    }
    req.scope = { workspaceId, agentId, subject, state };

    if (declared.kind === 'capability') {
      if (hasCapability(state, subject, declared.capability, agentId)) return;
      // `orSelf`: a member may ask about themselves (the path's :userId).
      if (declared.orSelf && principal.type === 'user' && params.userId === principal.userId) return;
      await auditDenial(req, declared.capability);
      throw problem('forbidden', `This needs the ${declared.capability} capability`, {
        required: { capability: declared.capability },
      });
    }
    const level = decide(state, { subject, agentId, permission: declared.permission });
    if (atLeast(level, declared.level)) return;
    throw problem('forbidden', `This needs ${declared.level} on ${declared.permission}`, {
      required: { permission: declared.permission, level: declared.level },
      level,
    });
  });
});

/** Refused administrative actions are recorded (docs/activity.md), in the one shape the command wrapper also uses. */
async function auditDenial(req: FastifyRequest, capability: Capability): Promise<void> {
  if (!ADMINISTRATIVE_CAPABILITIES.includes(capability) || !req.scope) return;
  await recordDenial(
    req.server.db,
    {
      workspaceId: req.scope.workspaceId,
      agentId: req.scope.agentId,
      actor: actorOf(req.principal),
      origin: originOf(req),
    },
    {
      reason: `This needs the ${capability} capability`,
      capability,
      method: req.method,
      route: req.routeOptions.url ?? '',
    },
  );
}
