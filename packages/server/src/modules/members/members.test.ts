import { describe, expect, it } from 'vitest';
import { addMember, as, createUser, createWorkspace } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

type Page = {
  members: { email: string; name: string; role: string; can: Record<string, boolean> }[];
  nextCursor: string | null;
};

describe('the member list', () => {
  it('searches name and email, filters by role and pages with a cursor', async () => {
    const admin = await createUser(ctx.app, { name: 'Ada Admin' });
    const ws = await createWorkspace(ctx.app, admin);
    const tag = Math.random().toString(36).slice(2, 8);
    for (const n of ['alpha', 'bravo', 'charlie', 'delta']) {
      await addMember(ctx.app, admin, ws.id, {
        user: await createUser(ctx.app, { email: `${n}-${tag}@example.com`, name: `Person ${n}` }),
      });
    }
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/members`;

    const byEmail = json<Page>(await call({ method: 'GET', url: `${url}?q=${tag}` }));
    expect(byEmail.members.map((m) => m.email)).toEqual(
      ['alpha', 'bravo', 'charlie', 'delta'].map((n) => `${n}-${tag}@example.com`),
    );
    const byName = json<Page>(await call({ method: 'GET', url: `${url}?q=PERSON%20CHAR` }));
    expect(byName.members.map((m) => m.name)).toEqual(['Person charlie']);
    // LIKE wildcards in the search are literal characters.
    expect(json<Page>(await call({ method: 'GET', url: `${url}?q=%25` })).members).toEqual([]);
    const admins = json<Page>(await call({ method: 'GET', url: `${url}?role=admin` }));
    expect(admins.members).toMatchObject([
      { email: admin.email, role: 'admin', can: { edit: false, remove: false } },
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = json<Page>(
        await call({ method: 'GET', url: `${url}?q=${tag}&limit=3${cursor ? `&cursor=${cursor}` : ''}` }),
      );
      seen.push(...page.members.map((m) => m.email));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(byEmail.members.map((m) => m.email));

    const bad = await call({ method: 'GET', url: `${url}?cursor=@@@` });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(bad).errors[0]?.path).toBe('/querystring/cursor');
    const tooBig = await call({ method: 'GET', url: `${url}?limit=500` });
    expect(json<{ errors: { path: string }[] }>(tooBig).errors[0]?.path).toBe('/querystring/limit');
  });

  it('a member sees the list, but with no edit or remove rights', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const page = json<Page>(await as(ctx.app, m)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` }));
    expect(page.members).toHaveLength(2);
    expect(page.members.every((x) => x.can.edit === false && x.can.remove === false)).toBe(true);
    const forAdmin = json<Page>(
      await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` }),
    );
    expect(forAdmin.members.find((x) => x.email === m.email)?.can).toEqual({
      edit: true,
      changeRole: true,
      remove: true,
    });
  });
});

describe('changing members', () => {
  it('refuses bad input with 400 naming the field, and unknown members with 404', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id);
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/members/${m.id}`;
    const both = await call({
      method: 'PATCH',
      url,
      payload: { matrix: { build: 'read' }, presetId: 'builder' },
    });
    expect([both.statusCode, json<{ errors: { path: string }[] }>(both).errors[0]?.path]).toEqual([
      400,
      '/body/presetId',
    ]);
    const preset = await call({ method: 'PATCH', url, payload: { presetId: 'no_such_preset' } });
    expect([preset.statusCode, json<{ errors: { path: string }[] }>(preset).errors[0]?.path]).toEqual([
      400,
      '/body/presetId',
    ]);
    const level = await call({ method: 'PATCH', url, payload: { matrix: { build: 'admin' } } });
    expect(json<{ errors: { path: string; valid: string[] }[] }>(level).errors[0]).toMatchObject({
      path: '/body/matrix/build',
      valid: ['none', 'read', 'edit'],
    });
    const role = await call({ method: 'PATCH', url, payload: { role: 'owner' } });
    expect([role.statusCode, json<{ errors: { path: string }[] }>(role).errors[0]?.path]).toEqual([
      400,
      '/body/role',
    ]);
    const stranger = await createUser(ctx.app);
    for (const id of [stranger.id, 'not-a-uuid']) {
      const res = await call({
        method: 'PATCH',
        url: `/v1/workspaces/${ws.id}/members/${id}`,
        payload: { agentAccess: 'all' },
      });
      expect(res.statusCode).toBe(404);
    }
  });

  it('linking a preset replaces the matrix; null clears the grant', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'edit' } });
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/members/${m.id}`;
    expect(json(await call({ method: 'PATCH', url, payload: { presetId: 'qa_analyst' } }))).toMatchObject({
      presetId: 'qa_analyst',
      matrix: null,
    });
    expect(json(await call({ method: 'PATCH', url, payload: { presetId: null } }))).toMatchObject({
      presetId: null,
      matrix: null,
    });
  });

  it('a bulk edit naming a non-member changes nobody', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'read' } });
    const outsider = await createUser(ctx.app);
    const call = as(ctx.app, admin);
    const url = `/v1/workspaces/${ws.id}/members/bulk-permissions`;
    const res = await call({
      method: 'POST',
      url,
      payload: { userIds: [m.id, outsider.id], mode: 'replace', matrix: { deployments: 'edit' } },
    });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ code: 'not_found', userIds: [outsider.id] });
    const after = json<{ matrix: Record<string, string> }>(
      await call({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${m.id}` }),
    );
    expect(after.matrix['deployments.environments']).toBeUndefined();
    expect(after.matrix['build.flows']).toBe('read');
    const merge = await call({
      method: 'POST',
      url,
      payload: { userIds: [m.id], mode: 'merge', presetId: 'builder' },
    });
    expect([merge.statusCode, json<{ errors: { path: string }[] }>(merge).errors[0]?.path]).toEqual([
      400,
      '/body/mode',
    ]);
    const neither = await call({ method: 'POST', url, payload: { userIds: [m.id], mode: 'replace' } });
    expect(neither.statusCode).toBe(400);
  });

  it('an API key cannot leave or manage members', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const key = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/api-keys`,
      payload: { name: 'ci', presetId: 'read_only_reviewer' },
    });
    expect(key.statusCode, key.body).toBe(201);
    const asKey = as(ctx.app, { apiKey: json<{ secret: string }>(key).secret });
    expect((await asKey({ method: 'GET', url: `/v1/workspaces/${ws.id}/members` })).statusCode).toBe(200);
    expect((await asKey({ method: 'POST', url: `/v1/workspaces/${ws.id}/leave` })).statusCode).toBe(403);
    const patch = await asKey({
      method: 'PATCH',
      url: `/v1/workspaces/${ws.id}/members/${admin.id}`,
      payload: { agentAccess: 'all' },
    });
    expect(patch.statusCode).toBe(403);
  });

  it('two admins demoting each other at once leave exactly one admin', async () => {
    const a = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, a);
    const b = await addMember(ctx.app, a, ws.id, { role: 'admin' });
    const demote = (actor: typeof a, target: typeof a) =>
      as(
        ctx.app,
        actor,
      )({
        method: 'PATCH',
        url: `/v1/workspaces/${ws.id}/members/${target.id}`,
        payload: { role: 'member', confirmReset: true },
      });
    const results = await Promise.all([demote(a, b), demote(b, a)]);
    // One wins. The other is refused: 409 last_admin when both passed the guard while both were
    // admins (the workspace lock serialises the check), or 403 when it arrived after the first
    // committed and its sender was no longer an admin.
    const [won, refused] = [...results].sort((x, y) => x.statusCode - y.statusCode);
    expect(won?.statusCode, won?.body).toBe(200);
    const refusal = json(refused!);
    if (refused?.statusCode === 409) expect(refusal).toMatchObject({ status: 409, code: 'last_admin' });
    else {
      expect(refusal).toMatchObject({
        status: 403,
        code: 'forbidden',
        required: { capability: 'workspace.manage' },
      });
    }
    const admins = await ctx.app.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', ws.id)
      .where('role', '=', 'admin')
      .execute();
    // The admin left is the one whose demotion of the other went through.
    expect(admins).toEqual([{ user_id: results[0] === won ? a.id : b.id }]);
  });
});
