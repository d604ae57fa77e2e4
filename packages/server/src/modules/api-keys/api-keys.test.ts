import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, as, createUser, createWorkspace } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { buildApp } from '../../app';
import { access } from '../../http/access';

const ctx = useTestApp();

interface Created {
  apiKey: { id: string; prefix: string; status: string; lastUsedAt: string | null };
  secret: string;
  revision: number;
}

async function adminWithWorkspace() {
  const admin = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, admin);
  return { admin, ws, call: as(ctx.app, admin) };
}

async function revisionOf(workspaceId: string): Promise<number> {
  const row = await ctx.app.db
    .selectFrom('workspaces')
    .select('revision')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}

/**
 * A second app on the same database with two probe routes guarded by a
 * permission (read and edit on build.knowledge), so these tests exercise the
 * one guard with a key principal without depending on any other module.
 */
let probeApp: FastifyInstance;
beforeAll(async () => {
  probeApp = await buildApp(ctx.config, { database: ctx.database, skipMigrations: true });
  for (const level of ['read', 'edit'] as const) {
    probeApp.get(
      `/v1/workspaces/:workspaceId/probe/${level}`,
      { config: { access: access.permission('build.knowledge', level) } },
      async () => ({ ok: true }),
    );
  }
  await probeApp.ready();
});
afterAll(async () => {
  await probeApp?.close();
});

function probe(workspaceId: string, level: 'read' | 'edit') {
  return { method: 'GET' as const, url: `/v1/workspaces/${workspaceId}/probe/${level}` };
}

function asKey(secret: string) {
  return as(probeApp, { apiKey: secret });
}

describe('API keys', () => {
  it('creates a key whose secret is shown once and stored only as a hash, bumping the revision', async () => {
    const { ws, call } = await adminWithWorkspace();
    const before = await revisionOf(ws.id);
    const res = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'Platform backend', matrix: { 'build.knowledge': 'read' } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = json<Created>(res);
    expect(created.secret).toMatch(/^atr_[0-9A-Za-z]{43}$/);
    expect(created.apiKey.prefix).toBe(created.secret.slice(0, 12));
    expect(created.revision).toBe(before + 1);
    expect(await revisionOf(ws.id)).toBe(before + 1);

    const row = await ctx.app.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.apiKey.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(created.secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/api-keys` });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.secret);
    expect(list.body).not.toContain(row.secret_hash);
    expect(json<{ apiKeys: { id: string; name: string }[] }>(list).apiKeys).toEqual([
      expect.objectContaining({ id: created.apiKey.id, name: 'Platform backend', status: 'active' }),
    ]);
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'api_key.created')
      .execute();
    expect(log).toHaveLength(1);
    expect(JSON.stringify(log[0])).not.toContain(created.secret);
  });

  it('acts with its own permissions only, never its creator’s', async () => {
    const { admin, ws, call } = await adminWithWorkspace();
    const created = json<Created>(
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/api-keys`,
        payload: { name: 'reader', matrix: { 'build.knowledge': 'read' } },
      }),
    );
    const key = asKey(created.secret);
    const read = await key(probe(ws.id, 'read'));
    expect(read.statusCode).toBe(200);
    // The creator (an admin) could edit; the key holds read only.
    expect((await as(probeApp, admin)(probe(ws.id, 'edit'))).statusCode).toBe(200);
    const edit = await key(probe(ws.id, 'edit'));
    expect(edit.statusCode).toBe(403);
    expect(json(edit)).toMatchObject({ code: 'forbidden', level: 'read' });
    // The creator is an admin, but the key cannot manage the workspace.
    const manage = await key({ method: 'GET', url: `/v1/workspaces/${ws.id}/api-keys` });
    expect(manage.statusCode).toBe(403);
    // User-only routes refuse keys; no CSRF is needed for bearer requests.
    expect((await key({ method: 'GET', url: '/v1/me' })).statusCode).toBe(403);
    // Last use is recorded.
    const row = await ctx.app.db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('id', '=', created.apiKey.id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
  });

  it('takes a preset and an agent scope, and validates the grant naming the bad key', async () => {
    const { ws, call } = await adminWithWorkspace();
    const bad = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'bad', matrix: { 'build.knowledg': 'read' } },
    });
    expect(bad.statusCode).toBe(400);
    const body = json<{ code: string; errors: { path: string; valid?: string[] }[] }>(bad);
    expect(body.code).toBe('validation_failed');
    expect(body.errors[0]?.path).toBe('/body/matrix/build.knowledg');
    expect(body.errors[0]?.valid).toContain('build.knowledge');

    const both = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'both', matrix: { 'build.knowledge': 'read' }, presetId: 'builder' },
    });
    expect(both.statusCode).toBe(400);
    const past = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'past', presetId: 'builder', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(json<{ errors: { path: string }[] }>(past).errors[0]?.path).toBe('/body/expiresAt');
    const noAgent = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'x', presetId: 'builder', agentId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(json<{ errors: { path: string }[] }>(noAgent).errors[0]?.path).toBe('/body/agentId');

    const preset = await call({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'builder key', presetId: 'builder' },
    });
    expect(preset.statusCode).toBe(201);
    expect(json<{ apiKey: { presetId: string } }>(preset).apiKey.presetId).toBe('builder');
    // Nothing partial was written by the refused requests.
    const count = await ctx.app.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('a revoked key gets 401 on its next request, and revocation bumps the revision', async () => {
    const { ws, call } = await adminWithWorkspace();
    const created = json<Created>(
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/api-keys`,
        payload: { name: 'k', presetId: 'builder' },
      }),
    );
    const key = asKey(created.secret);
    expect((await key(probe(ws.id, 'read'))).statusCode).toBe(200);
    const del = await call({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.id}/api-keys/${created.apiKey.id}`,
    });
    expect(del.statusCode).toBe(200);
    const revoked = json<{ apiKey: { status: string }; revision: number }>(del);
    expect(revoked.apiKey.status).toBe('revoked');
    expect(revoked.revision).toBe(created.revision + 1);
    const after = await key(probe(ws.id, 'read'));
    expect(after.statusCode).toBe(401);
    expect(json(after).code).toBe('unauthenticated');
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'api_key.revoked')
      .execute();
    expect(log).toHaveLength(1);
  });

  it('a check right after creating or revoking a key on the same instance sees it, without a revision token', async () => {
    // An instance that never hears revision announcements: only the command
    // wrapper's settle can bring its cache up to date before the answer leaves.
    const deaf = await buildApp(ctx.config, {
      database: { ...ctx.database, listen: async () => async () => {} },
      skipMigrations: true,
    });
    try {
      const { admin, ws } = await adminWithWorkspace();
      const call = as(deaf, admin);
      const check = (who: typeof admin | { apiKey: string }, subject: Record<string, string>) =>
        as(
          deaf,
          who,
        )({
          method: 'POST',
          url: '/v1/check',
          payload: { workspaceId: ws.id, subject, permission: 'build.knowledge', level: 'read' },
        });
      // The instance caches the workspace's state before the key exists.
      const warm = await check(admin, { userId: admin.id });
      expect(warm.statusCode).toBe(200);
      const created = json<Created>(
        await call({
          method: 'POST',
          url: `/v1/workspaces/${ws.id}/api-keys`,
          payload: { name: 'fresh', presetId: 'builder' },
        }),
      );
      expect(json<{ revision: number }>(warm).revision).toBeLessThan(created.revision);
      // No atLeastRevision: the answer already includes the new key.
      const seen = await check(admin, { apiKeyId: created.apiKey.id });
      expect(json(seen)).toEqual({ allowed: true, level: 'edit', revision: created.revision });
      const self = await check({ apiKey: created.secret }, { apiKeyId: created.apiKey.id });
      expect(json(self)).toEqual({ allowed: true, level: 'edit', revision: created.revision });

      const revoked = json<{ revision: number }>(
        await call({ method: 'DELETE', url: `/v1/workspaces/${ws.id}/api-keys/${created.apiKey.id}` }),
      );
      expect(revoked.revision).toBe(created.revision + 1);
      const gone = await check(admin, { apiKeyId: created.apiKey.id });
      expect(json(gone)).toEqual({ allowed: false, level: 'none', revision: revoked.revision });
      // The revoked key itself, still in this instance's key cache, is no longer of the workspace.
      const after = await check({ apiKey: created.secret }, { apiKeyId: created.apiKey.id });
      expect([401, 404]).toContain(after.statusCode);
    } finally {
      await deaf.close();
    }
  });

  it('an expired key gets 401', async () => {
    const { ws, call } = await adminWithWorkspace();
    const created = json<Created>(
      await call({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/api-keys`,
        payload: {
          name: 'short-lived',
          presetId: 'builder',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
      }),
    );
    const key = asKey(created.secret);
    expect((await key(probe(ws.id, 'read'))).statusCode).toBe(200);
    await ctx.app.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', created.apiKey.id)
      .execute();
    expect((await key(probe(ws.id, 'read'))).statusCode).toBe(401);
    const list = await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/api-keys/${created.apiKey.id}` });
    expect(json<{ status: string }>(list).status).toBe('expired');
  });

  it('another workspace’s key ids and keys give 404; members who are not admins get 403', async () => {
    const a = await adminWithWorkspace();
    const b = await adminWithWorkspace();
    const keyA = json<Created>(
      await a.call({
        method: 'POST',
        url: `/v1/workspaces/${a.ws.id}/api-keys`,
        payload: { name: 'a', presetId: 'builder' },
      }),
    );
    // B's admin cannot see or revoke A's key through B's workspace.
    const get = await b.call({ method: 'GET', url: `/v1/workspaces/${b.ws.id}/api-keys/${keyA.apiKey.id}` });
    expect(get.statusCode).toBe(404);
    const del = await b.call({
      method: 'DELETE',
      url: `/v1/workspaces/${b.ws.id}/api-keys/${keyA.apiKey.id}`,
    });
    expect(del.statusCode).toBe(404);
    // Nor through A's workspace, where B is not a member.
    expect((await b.call({ method: 'GET', url: `/v1/workspaces/${a.ws.id}/api-keys` })).statusCode).toBe(404);
    // A's key cannot reach B's workspace.
    const cross = await as(ctx.app, { apiKey: keyA.secret })({
      method: 'GET',
      url: `/v1/workspaces/${b.ws.id}/api-keys`,
    });
    expect(cross.statusCode).toBe(404);
    // A garbage bearer token is 401.
    const garbage = await asKey('atr_nope')(probe(a.ws.id, 'read'));
    expect(garbage.statusCode).toBe(401);
    // A plain member of A may not manage keys.
    const member = await addMember(ctx.app, a.admin, a.ws.id);
    const denied = await as(ctx.app, member)({ method: 'GET', url: `/v1/workspaces/${a.ws.id}/api-keys` });
    expect(denied.statusCode).toBe(403);
    expect(json(denied).code).toBe('forbidden');
  });
});
