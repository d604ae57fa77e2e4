import { beforeAll, describe, expect, it } from 'vitest';
import { json, useTestApp } from '../../../test/harness';
import { DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL, type DemoSeedResult, seedDemo } from './seed';

const ctx = useTestApp();
const PASSWORD = 'demo-password-for-tests';

describe('demo seed', () => {
  // Seeded once for the file, so each test stands alone (run by itself with
  // -t, or in shuffled order) and the first run is the one that creates.
  let first: DemoSeedResult;
  beforeAll(async () => {
    first = await seedDemo(ctx.app.db, PASSWORD);
  });

  it('creates the demo workspace once, with two members, two agents and data in every area', async () => {
    const second = await seedDemo(ctx.app.db, PASSWORD);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, workspaceId: first.workspaceId });

    const db = ctx.app.db;
    const ws = first.workspaceId;
    const members = await db
      .selectFrom('workspace_members')
      .select('role')
      .where('workspace_id', '=', ws)
      .execute();
    expect(members.map((m) => m.role).sort()).toEqual(['admin', 'member']);
    const agents = await db
      .selectFrom('agents')
      .select(['name', 'status'])
      .where('workspace_id', '=', ws)
      .execute();
    expect(agents).toHaveLength(2);
    expect(agents.every((a) => a.status === 'approved')).toBe(true);
    const sources = await db.selectFrom('data_sources').select('id').where('workspace_id', '=', ws).execute();
    expect(sources.length).toBeGreaterThan(0);
    const tickets = await db.selectFrom('tickets').select('id').where('workspace_id', '=', ws).execute();
    expect(tickets.length).toBeGreaterThan(0);
  });

  it('the demo accounts sign in with the printed password', async () => {
    for (const email of [DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL]) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email, password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toMatchObject({ user: { email } });
    }
  });
});
