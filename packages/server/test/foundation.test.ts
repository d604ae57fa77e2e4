import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { testConfig } from '../src/config';
import { migrate, pendingMigrations } from '../src/db/migrate';
import { access } from '../src/http/access';
import { json, useTestApp } from './harness';

const ctx = useTestApp();

describe('operations endpoints', () => {
  it('answers /healthz with 200', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers /readyz with 200 once migrations are applied', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ status: 'ready', database: ctx.database.kind });
    expect(await pendingMigrations(ctx.database.db)).toEqual([]);
  });

  it('serves an OpenAPI 3.1 document at /openapi.json and docs at /docs', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = json<{ openapi: string; paths: Record<string, unknown> }>(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/healthz');
    const docs = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('echoes a well-formed incoming x-request-id and replaces a malformed one', async () => {
    const ok = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'req-123' },
    });
    expect(ok.headers['x-request-id']).toBe('req-123');
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\u0000' },
    });
    expect(bad.headers['x-request-id']).not.toBe('a b\u0000');
  });
});

describe('errors are problem details', () => {
  it('an unknown route gives 404 application/problem+json with code not_found', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nope?token=secret' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = json(res);
    expect(body).toMatchObject({ status: 404, code: 'not_found', title: 'Not found' });
    expect(res.body).not.toContain('secret');
  });

  it('malformed JSON gives 400 validation_failed, and schema violations name the field', async () => {
    const app = await buildApp(testConfig(), { database: ctx.database, skipMigrations: true });
    app.post(
      '/v1/test/echo',
      {
        config: { access: access.public() },
        schema: {
          body: Type.Object(
            { email: Type.String({ format: 'email' }), n: Type.Integer() },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => req.body,
    );
    app.get('/v1/test/boom', { config: { access: access.public() } }, async () => {
      throw new Error('database password is hunter2 at /srv/app.ts:12');
    });
    await app.ready();
    try {
      const malformed = await app.inject({
        method: 'POST',
        url: '/v1/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": "a@b.c",',
      });
      expect(malformed.statusCode).toBe(400);
      expect(json(malformed)).toMatchObject({ code: 'validation_failed', status: 400 });

      const invalid = await app.inject({
        method: 'POST',
        url: '/v1/test/echo',
        payload: { email: 'nope', extra: 1 },
      });
      expect(invalid.statusCode).toBe(400);
      const body = json<{ code: string; errors: { path: string; message: string }[] }>(invalid);
      expect(body.code).toBe('validation_failed');
      const paths = body.errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/body/email', '/body/n', '/body/extra']));

      const boom = await app.inject({ method: 'GET', url: '/v1/test/boom' });
      expect(boom.statusCode).toBe(500);
      expect(json(boom)).toMatchObject({ code: 'internal' });
      expect(boom.body).not.toContain('hunter2');
      expect(boom.body).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await app.close();
    }
  });
});

describe('the guard', () => {
  it('refuses to register a route that declares no access', async () => {
    const app = await buildApp(testConfig(), { database: ctx.database, skipMigrations: true });
    expect(() => app.get('/v1/undeclared', async () => 'x')).toThrow(/declares no access/);
    await app.close();
  });

  it('every route of the app declares its access', () => {
    expect(ctx.app.routeTable.length).toBeGreaterThan(0);
    for (const route of ctx.app.routeTable)
      expect(route.access, `${route.method} ${route.url}`).toBeDefined();
  });
});

describe('migrations', () => {
  it('are idempotent: a second run applies nothing', async () => {
    const result = await migrate(ctx.database.db);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThan(0);
  });

  it('two runs at once serialise on the advisory lock and apply a new migration exactly once', async () => {
    const extra = [
      {
        name: '9999_concurrency_probe',
        statements: [
          'CREATE TABLE concurrency_probe (id int PRIMARY KEY)',
          'INSERT INTO concurrency_probe VALUES (1)',
        ],
      },
    ];
    const results = await Promise.all([migrate(ctx.database.db, extra), migrate(ctx.database.db, extra)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 1]);
  });

  it('the activity log refuses UPDATE and DELETE in the database itself', async () => {
    const { sql } = await import('kysely');
    await expect(sql`UPDATE activity_log SET action = 'x'`.execute(ctx.database.db)).resolves.toBeDefined();
    await sql`INSERT INTO activity_log (workspace_id, seq, actor_type, action, created_at, prev_hash, hash)
      VALUES (NULL, 999999, 'system', 'probe', now(), 'x', 'y')`.execute(ctx.database.db);
    await expect(sql`UPDATE activity_log SET action = 'tampered'`.execute(ctx.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM activity_log`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
  });
});
