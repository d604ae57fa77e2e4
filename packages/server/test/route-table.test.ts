import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/http/guard';
import {
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
  type TestUser,
} from './factories';
import { json, useTestApp } from './harness';

/**
 * The guard, tested from the route table itself (issue 5): (1) every route
 * declares its access, and every route inside a workspace declares a
 * capability or permission (or says why not); (2) every route that takes an
 * id answers 404 to an admin of workspace A who passes workspace B's ids.
 * Both are generated from `app.routeTable`, not from a hand-kept list, so a
 * route added later is covered — or fails here until it has a fixture.
 */

const ctx = useTestApp();

/** Routes inside a workspace that are deliberately not capability/permission-guarded, with the reason. */
const WORKSPACE_ROUTES_WITHOUT_CAPABILITY: Record<string, string> = {};

/** Id-taking routes deliberately left out of the cross-workspace test, with the reason. */
const NOT_TENANT_SCOPED: Record<string, string> = {
  'GET /v1/dev/mailbox/:id':
    'the development mailbox is public by design (development mode only); it belongs to no workspace',
  'GET /v1/share/:slug':
    "the web widget's public lookup: the unguessable slug is the credential and it belongs to no workspace path; the link's authorized domains are enforced instead (agent-resources tests)",
};

type OpenApi = {
  paths: Record<string, Record<string, OpenApiOperation>>;
};
type OpenApiOperation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minProperties?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  default?: unknown;
};

/**
 * A small valid value for a JSON schema (request bodies and query strings
 * from the OpenAPI document), so a call reaches the handler's tenant check
 * instead of stopping at validation.
 */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    const nonNull = options.find((o) => o.type !== 'null') ?? options[0];
    return sample(nonNull);
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = schema.properties ?? {};
      for (const key of schema.required ?? []) out[key] = sample(props[key]);
      for (const key of Object.keys(props)) {
        if (Object.keys(out).length >= (schema.minProperties ?? 0)) break;
        out[key] = sample(props[key]);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'email') return `sample-${randomBytes(3).toString('hex')}@example.com`;
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'uri') return 'https://example.com/';
      for (const candidate of ['sample text', '2026-01', 'example.com', 'x']) {
        if (schema.pattern && !new RegExp(schema.pattern).test(candidate)) continue;
        return candidate.padEnd(schema.minLength ?? 0, 'x');
      }
      return 'x'.repeat(schema.minLength ?? 1);
    }
    default:
      return schema.default ?? {};
  }
}

function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function operationOf(doc: OpenApi, route: RouteEntry): OpenApiOperation | undefined {
  return doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
}

function idParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
}

/** The collection an `:id` belongs to: the path segment before it (`invitations`, `presets`, …). */
function collectionOf(url: string, param: string): string {
  const segments = url.split('/');
  const i = segments.indexOf(`:${param}`);
  return segments[i - 1] ?? '';
}

interface World {
  admin: TestUser;
  workspaceId: string;
  agentId: string;
  /** A member of this workspace only (with a role on its agent). */
  userId: string;
}

let A: World;
let B: World;
let doc: OpenApi;
/** B's resource of each kind, by collection segment. */
const fixtures: Record<string, string> = {};

async function world(): Promise<World> {
  const admin = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, admin);
  const agent = await createAgent(ctx.app, admin, ws.id);
  const member = await addMember(ctx.app, admin, ws.id);
  await addAgentMember(ctx.app, admin, ws.id, agent.id, member);
  return { admin, workspaceId: ws.id, agentId: agent.id, userId: member.id };
}

function fill(url: string, w: World): string {
  return url.replace(':workspaceId', w.workspaceId).replace(':agentId', w.agentId);
}

/** Creates B's resource through the API (body sampled from the schema unless given) and returns its id. */
async function createInB(
  method: 'POST',
  url: string,
  body?: unknown,
  idOf: (b: Record<string, unknown>) => unknown = (b) => b.id,
): Promise<string> {
  const route = { method, url, access: { kind: 'public' } } as RouteEntry;
  const op = operationOf(doc, route);
  const payload = body ?? sample(op?.requestBody?.content?.['application/json']?.schema);
  const res = await as(ctx.app, B.admin)({ method, url: fill(url, B), payload: payload as object });
  if (res.statusCode >= 300)
    throw new Error(`fixture ${method} ${url} failed (${res.statusCode}): ${res.body}`);
  const id = idOf(json(res));
  if (typeof id !== 'string') throw new Error(`fixture ${method} ${url} returned no id: ${res.body}`);
  return id;
}

/**
 * How to make workspace B's resource of each kind that an `:id` route names.
 * A route whose collection is missing here fails the test below with a
 * message saying to add it.
 */
const FIXTURES: Record<string, () => Promise<string>> = {
  invitations: () =>
    createInB(
      'POST',
      '/v1/workspaces/:workspaceId/invitations',
      { emails: [`fixture-${randomBytes(4).toString('hex')}@example.com`] },
      (b) => (b.results as { invitationId?: string }[])[0]?.invitationId,
    ),
  presets: () =>
    createInB('POST', '/v1/workspaces/:workspaceId/presets', { name: 'Fixture', matrix: { build: 'read' } }),
  'api-keys': () =>
    createInB(
      'POST',
      '/v1/workspaces/:workspaceId/api-keys',
      { name: 'Fixture key', presetId: 'read_only_reviewer' },
      (b) => {
        return (b.apiKey as { id?: string } | undefined)?.id;
      },
    ),
  tickets: () =>
    createInB('POST', '/v1/workspaces/:workspaceId/tickets', { subject: 'Help', body: 'Please' }),
  'payment-methods': () =>
    createInB('POST', '/v1/workspaces/:workspaceId/payment-methods', {
      number: '4242424242424242',
      expMonth: 12,
      expYear: new Date().getFullYear() + 2,
      cvc: '123',
    }),
  invoices: () => createInB('POST', '/v1/workspaces/:workspaceId/invoices', { period: '2026-01' }),
  'data-sources': () =>
    createInB('POST', '/v1/workspaces/:workspaceId/agents/:agentId/data-sources', {
      name: 'Docs',
      kind: 'url',
      location: 'https://example.com/docs',
    }),
  feedback: () =>
    createInB('POST', '/v1/workspaces/:workspaceId/agents/:agentId/feedback', {
      rating: 'up',
      comment: 'ok',
    }),
  conversations: () =>
    createInB('POST', '/v1/workspaces/:workspaceId/agents/:agentId/conversations', {
      externalId: `conv-${randomBytes(4).toString('hex')}`,
      startedAt: new Date().toISOString(),
      messages: [{ role: 'user', text: 'hello' }],
    }),
  'share-links': () =>
    createInB('POST', '/v1/workspaces/:workspaceId/agents/:agentId/share-links', { name: 'Widget' }),
  // Another user's session (docs/rules.md §6 "/v1/me/sessions"): B's admin's.
  sessions: async () => {
    const row = await ctx.app.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', B.admin.id)
      .executeTakeFirstOrThrow();
    return row.id;
  },
};

beforeAll(async () => {
  A = await world();
  B = await world();
  doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApi;
});

describe('the route table', () => {
  it('every route declares its access, and routes inside a workspace declare a capability or permission', () => {
    const routes = ctx.app.routeTable;
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      if (!r.access || !['public', 'signed_in', 'capability', 'permission'].includes(r.access.kind)) {
        problems.push(`${key}: no access declaration`);
        continue;
      }
      if (
        r.url.includes(':workspaceId') &&
        r.access.kind !== 'capability' &&
        r.access.kind !== 'permission' &&
        !WORKSPACE_ROUTES_WITHOUT_CAPABILITY[key]
      ) {
        problems.push(
          `${key}: inside a workspace but declares ${r.access.kind} (add a capability, or a reason)`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('the guard refuses to register a route without a declaration', async () => {
    const { buildApp } = await import('../src/app');
    const { testConfig } = await import('../src/config');
    const app = await buildApp(testConfig(), {
      database: ctx.database,
      skipMigrations: true,
    });
    try {
      expect(() => app.get('/v1/workspaces/:workspaceId/undeclared', async () => 'x')).toThrow(
        /declares no access/,
      );
    } finally {
      await app.close();
    }
  });

  it("every route that takes an id answers 404 to workspace A's admin passing workspace B's ids", async () => {
    const routes = ctx.app.routeTable.filter(
      (r) => idParams(r.url).length > 0 && !NOT_TENANT_SCOPED[`${r.method} ${r.url}`],
    );
    expect(routes.length).toBeGreaterThan(20);
    const asA = as(ctx.app, A.admin);

    const missing = new Set<string>();
    for (const r of routes) {
      for (const p of idParams(r.url)) {
        if (p === 'workspaceId' || p === 'agentId' || p === 'userId') continue;
        const collection = collectionOf(r.url, p);
        if (fixtures[collection]) continue;
        const make = FIXTURES[collection];
        if (!make) {
          missing.add(`${r.method} ${r.url}: no fixture for "${collection}" (:${p}) — add one to FIXTURES`);
          continue;
        }
        fixtures[collection] = await make();
      }
    }
    expect([...missing], 'routes without a cross-workspace fixture').toEqual([]);

    const valueFor = (url: string, p: string, w: World | 'B'): string => {
      const world = w === 'B' ? B : w;
      if (p === 'workspaceId') return world.workspaceId;
      if (p === 'agentId') return world.agentId;
      if (p === 'userId') return world.userId;
      // A's own :id values never get this far: each variant below swaps exactly one B id in.
      return fixtures[collectionOf(url, p)] as string;
    };

    const failures: string[] = [];
    let calls = 0;
    for (const r of routes) {
      const params = idParams(r.url);
      // Variant 1: every id from B. Variant 2..n: A's workspace (and A's other ids), one of B's ids.
      const variants: Record<string, string>[] = [
        Object.fromEntries(params.map((p) => [p, valueFor(r.url, p, 'B')])),
      ];
      if (params.includes('workspaceId')) {
        for (const swapped of params.filter((p) => p !== 'workspaceId')) {
          variants.push(
            Object.fromEntries(
              params.map((p) => [
                p,
                p === swapped
                  ? valueFor(r.url, p, 'B')
                  : p === 'workspaceId' || p === 'agentId' || p === 'userId'
                    ? valueFor(r.url, p, A)
                    : valueFor(r.url, p, 'B'),
              ]),
            ),
          );
        }
      }
      const op = operationOf(doc, r);
      const body = sample(op?.requestBody?.content?.['application/json']?.schema);
      const query = new URLSearchParams();
      for (const q of op?.parameters ?? []) {
        if (q.in === 'query' && q.required) query.set(q.name, String(sample(q.schema)));
      }
      for (const values of variants) {
        const url = r.url.replace(/:(\w+)/g, (_m, p: string) => values[p] as string);
        const res: LightMyRequestResponse = await asA({
          method: r.method as 'GET',
          url: query.size > 0 ? `${url}?${query}` : url,
          ...(body !== undefined && r.method !== 'GET' ? { payload: body as object } : {}),
        });
        calls++;
        // A 404 from the router ("No route …") would prove nothing: it must be the guard's or the
        // handler's not_found for a resource ("No such workspace", "No such agent", …).
        const problem: Record<string, unknown> = res.statusCode === 404 ? json(res) : {};
        if (problem.code !== 'not_found' || !/^No such \w/.test(String(problem.detail ?? ''))) {
          failures.push(
            `${r.method} ${r.url} with ${JSON.stringify(values)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
        }
      }
    }
    expect(calls).toBeGreaterThan(routes.length);
    expect(failures).toEqual([]);
    // B's resources are untouched by everything A tried.
    const bWorkspace = await as(
      ctx.app,
      B.admin,
    )({ method: 'GET', url: `/v1/workspaces/${B.workspaceId}/agents/${B.agentId}` });
    expect(bWorkspace.statusCode).toBe(200);
  });
});
