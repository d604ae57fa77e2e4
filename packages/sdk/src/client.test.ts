import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@atrium/server';
import { testConfig } from '@atrium/server/config';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertUser,
  removeMember,
  type SeededWorkspace,
  seedWorkspace,
  setAgentMember,
  setMember,
} from '../../server/test/check-fixtures';
import { createTestDatabase, type TestDatabase } from '../../server/test/harness';
import { type AtriumClient, AtriumError, createClient } from './index';

// The real server on a random loopback port, on PGlite or PostgreSQL (TEST_DATABASE_URL).
let server: FastifyInstance;
let testDb: TestDatabase;
let baseUrl: string;
let ws: SeededWorkspace;
let atrium: AtriumClient;
let adminId: string;
let editor: string;
let viewer: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  server = await buildApp(testConfig({ consoleDir: '/nonexistent' }), {
    database: testDb.database,
    skipMigrations: true,
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const db = server.db;
  adminId = await insertUser(db, 'Ada Admin');
  editor = await insertUser(db, 'Eddie Editor');
  viewer = await insertUser(db, 'Vera Viewer');
  ws = await seedWorkspace(db, { adminId, agents: 1 });
  await setMember(db, ws.workspaceId, editor, { presetId: 'read_only_reviewer' });
  await setAgentMember(db, ws.workspaceId, ws.agentIds[0]!, editor, {
    matrix: { 'build.knowledge': 'edit' },
  });
  await setMember(db, ws.workspaceId, viewer, { agentAccess: 'all', presetId: 'read_only_reviewer' });
  atrium = createClient({ baseUrl, apiKey: ws.apiKey.secret });
});

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

describe('createClient against the real server', () => {
  it('check() answers a decision with its revision', async () => {
    const result = await atrium.check({
      workspaceId: ws.workspaceId,
      agentId: ws.agentIds[0],
      subject: { userId: editor },
      permission: 'build.knowledge',
      level: 'edit',
    });
    expect(result).toEqual({ allowed: true, level: 'edit', revision: expect.any(Number) });
    expect(result.revision).toBeGreaterThanOrEqual(ws.revision);
  });

  it('checkBatch() answers in order', async () => {
    const base = { workspaceId: ws.workspaceId, agentId: ws.agentIds[0] } as const;
    const results = await atrium.checkBatch([
      { ...base, subject: { userId: editor }, permission: 'build.knowledge', level: 'edit' },
      { ...base, subject: { userId: viewer }, permission: 'build.knowledge', level: 'edit' },
      { ...base, subject: { userId: viewer }, permission: 'build.knowledge', level: 'read' },
    ]);
    expect(results.map((r) => r.allowed)).toEqual([true, false, true]);
    expect(await atrium.checkBatch([])).toEqual([]);
    // Compact: one person on one agent, many permissions.
    const page = await atrium.checkBatch(
      [
        { permission: 'build.knowledge', level: 'edit' },
        { permission: 'build.flows', level: 'edit' },
      ],
      { workspaceId: ws.workspaceId, agentId: ws.agentIds[0], subject: { userId: editor } },
    );
    expect(page.map((r) => r.level)).toEqual(['edit', 'read']);
  });

  it('atLeastRevision makes a check see the write that returned it', async () => {
    const revision = await removeMember(server.db, ws.workspaceId, viewer);
    const result = await atrium.check({
      workspaceId: ws.workspaceId,
      subject: { userId: viewer },
      permission: 'build.flows',
      level: 'read',
      atLeastRevision: revision,
    });
    expect(result).toMatchObject({ allowed: false, level: 'none' });
    await setMember(server.db, ws.workspaceId, viewer, {
      agentAccess: 'all',
      presetId: 'read_only_reviewer',
    });
  });

  it('effective() and whoHasAccess() return the explained views', async () => {
    const eff = await atrium.effective({
      workspaceId: ws.workspaceId,
      userId: editor,
      agentId: ws.agentIds[0],
    });
    const build = eff.areas.find((a) => a.area === 'build');
    expect(build?.level).toBe('mixed');
    expect(build?.items.find((i) => i.permission === 'build.knowledge')?.explanation.grants).toContainEqual({
      source: 'agent_matrix',
      agentId: ws.agentIds[0],
      level: 'edit',
    });
    const page = await atrium.whoHasAccess({
      workspaceId: ws.workspaceId,
      permission: 'build.knowledge',
      level: 'edit',
      agentId: ws.agentIds[0],
    });
    const ids = page.items.map((i) => (i.principal.type === 'user' ? i.principal.userId : null));
    expect(ids.sort()).toEqual([adminId, editor].sort());
    expect(page.nextCursor).toBeNull();
  });

  it('catalog() lists the catalog', async () => {
    const catalog = await atrium.catalog();
    expect(catalog.presets.map((p) => p.id)).toContain('knowledge_editor');
  });

  it('errors are AtriumError with the problem’s stable code', async () => {
    const err = await atrium
      .check({
        workspaceId: ws.workspaceId,
        subject: { userId: editor },
        // @ts-expect-error — a misspelt permission does not compile…
        permission: 'build.knowledg',
        level: 'edit',
      })
      .catch((e: unknown) => e);
    // …and the server refuses it anyway, naming the field.
    expect(err).toBeInstanceOf(AtriumError);
    expect((err as AtriumError).code).toBe('validation_failed');
    expect((err as AtriumError).problem.errors?.[0]?.path).toBe('/body/permission');

    const anonymous = createClient({ baseUrl, apiKey: 'atr_not-a-key' });
    const unauth = await anonymous.catalog().then(() => null);
    expect(unauth).toBeNull(); // the catalog is public
    const denied = await anonymous
      .check({
        workspaceId: ws.workspaceId,
        subject: { userId: editor },
        permission: 'build.flows',
        level: 'read',
      })
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});

describe('requirePermission middleware', () => {
  it('as a Fastify preHandler: lets allowed users through and answers 403 problem details otherwise', async () => {
    const service = Fastify();
    service.put<{ Params: { agentId: string } }>(
      '/agents/:agentId/knowledge',
      {
        preHandler: atrium.requirePermission<{
          params: { agentId: string };
          headers: Record<string, unknown>;
        }>('build.knowledge', 'edit', (req) => ({
          workspaceId: ws.workspaceId,
          agentId: req.params.agentId,
          userId: req.headers['x-user'] as string | undefined,
        })),
      },
      async () => ({ saved: true }),
    );
    try {
      const url = `/agents/${ws.agentIds[0]}/knowledge`;
      const ok = await service.inject({ method: 'PUT', url, headers: { 'x-user': editor } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ saved: true });
      const no = await service.inject({ method: 'PUT', url, headers: { 'x-user': viewer } });
      expect(no.statusCode).toBe(403);
      expect(no.headers['content-type']).toContain('application/problem+json');
      expect(no.json()).toMatchObject({
        code: 'forbidden',
        required: { permission: 'build.knowledge', level: 'edit' },
        level: 'read',
      });
      const nobody = await service.inject({ method: 'PUT', url });
      expect(nobody.statusCode).toBe(401);
    } finally {
      await service.close();
    }
  });

  it('as Express-style (req, res, next) middleware on a plain Node server', async () => {
    const guard = atrium.requirePermission<http.IncomingMessage>('build.knowledge', 'edit', (req) => ({
      workspaceId: ws.workspaceId,
      agentId: ws.agentIds[0],
      userId: req.headers['x-user'] as string | undefined,
    }));
    const service = http.createServer((req, res) => {
      guard(req, res, (err?: unknown) => {
        res.statusCode = err ? 500 : 200;
        res.end(err ? 'error' : 'handled');
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/`;
    try {
      const ok = await fetch(url, { headers: { 'x-user': editor } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('handled');
      const no = await fetch(url, { headers: { 'x-user': viewer } });
      expect(no.status).toBe(403);
      expect(no.headers.get('content-type')).toContain('application/problem+json');
      expect(await no.json()).toMatchObject({ code: 'forbidden' });
    } finally {
      await new Promise((resolve) => service.close(resolve));
    }
  });

  it('fails closed when Atrium cannot be reached', async () => {
    const down = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: ws.apiKey.secret });
    const guard = down.requirePermission('build.knowledge', 'edit', () => ({
      workspaceId: ws.workspaceId,
      userId: editor,
    }));
    const next = await new Promise<unknown>((resolve) => {
      guard({}, { statusCode: 0, setHeader: () => {}, end: () => resolve('answered') }, (err) =>
        resolve(err ?? 'passed'),
      );
    });
    expect(next).toBeInstanceOf(Error);
  });
});
