import { describe, expect, it } from 'vitest';
import { addMember, as, createUser, createWorkspace } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

describe('policies', () => {
  it('members read them; only admins change them; bad names are refused naming the field', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const url = `/v1/workspaces/${ws.id}/policies`;
    const call = as(ctx.app, admin);
    expect(json(await as(ctx.app, m)({ method: 'GET', url }))).toMatchObject({ named: [], caps: [] });
    expect((await as(ctx.app, m)({ method: 'PUT', url, payload: { named: [], caps: [] } })).statusCode).toBe(
      403,
    );

    const badName = await call({
      method: 'PUT',
      url,
      payload: { named: ['embedding_disabled', 'no_fun'], caps: [] },
    });
    expect(json(badName)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/named/1' }] });
    const badPerm = await call({
      method: 'PUT',
      url,
      payload: { named: [], caps: [{ permission: 'build.knowledg', maxLevel: 'read' }] },
    });
    expect(json(badPerm)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/caps/0/permission' }],
    });
    const badLevel = await call({
      method: 'PUT',
      url,
      payload: { named: [], caps: [{ permission: 'build.tools', maxLevel: 'admin' }] },
    });
    expect(badLevel.statusCode).toBe(400);

    const ok = await call({
      method: 'PUT',
      url,
      payload: {
        named: ['security_enforced', 'security_enforced'],
        caps: [{ permission: 'build.tools', maxLevel: 'none' }],
      },
    });
    expect(ok.statusCode).toBe(200);
    const body = json<{
      named: string[];
      caps: { permission: string; maxLevel: string; agentId: null }[];
      revision: number;
    }>(ok);
    expect(body.named).toEqual(['security_enforced']);
    expect(body.caps).toMatchObject([{ permission: 'build.tools', maxLevel: 'none', agentId: null }]);
    const entry = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'before', 'after'])
      .where('workspace_id', '=', ws.id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      action: 'policies.updated',
      before: { named: [], caps: [] },
      after: { named: ['security_enforced'] },
    });
    const ws2 = await ctx.app.db
      .selectFrom('workspaces')
      .select('revision')
      .where('id', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(Number(ws2.revision)).toBe(body.revision);
  });
});
