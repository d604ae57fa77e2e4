import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, type SeededWorkspace, seedWorkspace, setMember } from '../../../test/check-fixtures';
import { as, createUser, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';
import { buildApp } from '../../app';
import { type Database, openDatabase } from '../../db';

/**
 * docs/rules.md §3, "Changes take effect immediately": a revoke written through
 * instance A's real routes (PATCH / DELETE a member) is seen by instance B.
 * Grants are written directly (one transaction with the revision bump). On PostgreSQL, A and B are two apps on
 * one database (B hears A's NOTIFY over its own LISTEN connection); on PGlite
 * there is one process, so B is A (the single-instance variant).
 */
const ctx = useTestApp();
let b: FastifyInstance;
let bDatabase: Database | null = null;
let ws: SeededWorkspace;
let admin: TestUser;

beforeAll(async () => {
  const url = ctx.testDb.url;
  if (url) {
    bDatabase = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
    b = await buildApp(ctx.config, { database: bDatabase, skipMigrations: true });
    await b.ready();
  } else b = ctx.app;
  admin = await createUser(ctx.app);
  ws = await seedWorkspace(ctx.app.db, { adminId: admin.id, agents: 1 });
});

afterAll(async () => {
  if (bDatabase) {
    await b.close();
    await bDatabase.close();
  }
});

/** Revokes the member's access to every agent through A's real route; returns the write's revision. */
async function revokeThroughA(userId: string): Promise<number> {
  const res = await as(
    ctx.app,
    admin,
  )({
    method: 'PATCH',
    url: `/v1/workspaces/${ws.workspaceId}/members/${userId}`,
    payload: { agentAccess: 'assigned' },
  });
  expect(res.statusCode).toBe(200);
  return json<{ revision: number }>(res).revision;
}

function checkOn(app: FastifyInstance, userId: string, atLeastRevision?: number) {
  return as(app, { apiKey: ws.apiKey.secret })({
    method: 'POST',
    url: '/v1/check',
    payload: {
      workspaceId: ws.workspaceId,
      agentId: ws.agentIds[0],
      subject: { userId },
      permission: 'build.knowledge',
      level: 'read',
      ...(atLeastRevision === undefined ? {} : { atLeastRevision }),
    },
  });
}

describe(`revoke through A, check through B (${process.env.TEST_DATABASE_URL ? 'two instances on PostgreSQL' : 'one instance on PGlite'})`, () => {
  it('with the returned revision, B denies every time (50 rounds)', async () => {
    const user = await insertUser(ctx.app.db);
    let stale = 0;
    for (let round = 0; round < 50; round++) {
      const granted = await setMember(ctx.app.db, ws.workspaceId, user, {
        agentAccess: 'all',
        matrix: { 'build.knowledge': 'edit' },
      });
      // B has the member cached as allowed before the revoke…
      const before = json<{ allowed: boolean }>(await checkOn(b, user, granted));
      expect(before.allowed).toBe(true);
      const revoked = await revokeThroughA(user);
      // …and answers from state at least as new as the revoke.
      const after = json<{ allowed: boolean; level: string; revision: number }>(
        await checkOn(b, user, revoked),
      );
      if (after.allowed || after.level !== 'none' || after.revision < revoked) stale++;
    }
    expect(stale).toBe(0);
  });

  it('without a token, B denies within a short time (it hears the NOTIFY)', async () => {
    const user = await insertUser(ctx.app.db);
    const granted = await setMember(ctx.app.db, ws.workspaceId, user, {
      agentAccess: 'all',
      presetId: 'builder',
    });
    expect(json<{ allowed: boolean }>(await checkOn(b, user, granted)).allowed).toBe(true);
    await revokeThroughA(user);
    const started = Date.now();
    let allowed = true;
    while (allowed && Date.now() - started < 2000) {
      allowed = json<{ allowed: boolean }>(await checkOn(b, user)).allowed;
      if (allowed) await new Promise((r) => setTimeout(r, 2));
    }
    expect(allowed).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a removed member’s next request through B fails at once, whatever B had cached', async () => {
    const member = await createUser(ctx.app);
    await setMember(ctx.app.db, ws.workspaceId, member.id);
    const url = `/v1/workspaces/${ws.workspaceId}/members/${member.id}/effective`;
    expect((await as(b, member)({ method: 'GET', url })).statusCode).toBe(200);
    const removed = await as(
      ctx.app,
      admin,
    )({
      method: 'DELETE',
      url: `/v1/workspaces/${ws.workspaceId}/members/${member.id}`,
      payload: { confirm: member.email },
    });
    expect(removed.statusCode).toBe(200);
    expect((await as(b, member)({ method: 'GET', url })).statusCode).toBe(404);
  });
});
