import { describe, expect, it } from 'vitest';
import { addAgent, addApiKey, createCast } from '../../../test/cast';
import { as, type TestUser } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

/** Seed 004's Help Center rules, each as its own test (docs/rules.md §2, §4 "Help center"). */

const ctx = useTestApp();
const tickets = (c: { workspaceId: string }, rest = '') => `/v1/workspaces/${c.workspaceId}/tickets${rest}`;

async function file(
  c: { workspaceId: string },
  who: TestUser,
  subject: string,
  extra: Record<string, unknown> = {},
) {
  const res = await as(
    ctx.app,
    who,
  )({ method: 'POST', url: tickets(c), payload: { subject, body: `About ${subject}`, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string; status: string; createdBy: { id: string }; agentId: string | null }>(res);
}

async function listSubjects(c: { workspaceId: string }, who: TestUser, query = '') {
  const res = await as(ctx.app, who)({ method: 'GET', url: tickets(c, query) });
  expect(res.statusCode).toBe(200);
  const body = json<{ tickets: { subject: string }[]; scope: string }>(res);
  return { subjects: body.tickets.map((t) => t.subject).sort(), scope: body.scope };
}

describe('who sees which tickets (seed 004: Help Center Access)', () => {
  it('a workspace admin sees every ticket of the workspace', async () => {
    const c = await createCast(ctx.app);
    await file(c, c.member, 'member ticket');
    await file(c, c.agentAdmin, 'agent admin ticket');
    await file(c, c.admin, 'admin ticket');
    expect(await listSubjects(c, c.admin)).toEqual({
      subjects: ['admin ticket', 'agent admin ticket', 'member ticket'],
      scope: 'all',
    });
    expect((await listSubjects(c, c.admin, '?mine=true')).subjects).toEqual(['admin ticket']);
  });

  it('a member sees only their own tickets', async () => {
    const c = await createCast(ctx.app);
    await file(c, c.member, 'member ticket');
    await file(c, c.agentUser, 'agent user ticket');
    await file(c, c.admin, 'admin ticket');
    expect(await listSubjects(c, c.member)).toEqual({ subjects: ['member ticket'], scope: 'own' });
  });

  it('an agent admin sees only their own tickets', async () => {
    const c = await createCast(ctx.app);
    await file(c, c.agentAdmin, 'mine');
    await file(c, c.agentUser, 'about my agent', { agentId: c.agentId });
    expect(await listSubjects(c, c.agentAdmin)).toEqual({ subjects: ['mine'], scope: 'own' });
  });

  it("another member's ticket id gives 404", async () => {
    const c = await createCast(ctx.app);
    const theirs = await file(c, c.agentUser, 'private');
    const req = as(ctx.app, c.member);
    expect((await req({ method: 'GET', url: tickets(c, `/${theirs.id}`) })).statusCode).toBe(404);
    expect(
      (await req({ method: 'PATCH', url: tickets(c, `/${theirs.id}`), payload: { status: 'closed' } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await req({ method: 'POST', url: tickets(c, `/${theirs.id}/comments`), payload: { body: 'hi' } }))
        .statusCode,
    ).toBe(404);
    const row = await ctx.app.db
      .selectFrom('tickets')
      .select('status')
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });

  it("a workspace admin can update and answer anyone's ticket", async () => {
    const c = await createCast(ctx.app);
    const t = await file(c, c.member, 'Widget not loading');
    const admin = as(ctx.app, c.admin);
    const pending = await admin({
      method: 'PATCH',
      url: tickets(c, `/${t.id}`),
      payload: { status: 'pending' },
    });
    expect(json(pending)).toMatchObject({ status: 'pending' });
    const answered = await admin({
      method: 'POST',
      url: tickets(c, `/${t.id}/comments`),
      payload: { body: 'Which browser?' },
    });
    expect(answered.statusCode).toBe(201);
    const seen = json<{ comments: { author: { id: string }; body: string }[]; commentCount: number }>(
      await as(ctx.app, c.member)({ method: 'GET', url: tickets(c, `/${t.id}`) }),
    );
    expect(seen.comments).toMatchObject([{ author: { id: c.admin.id }, body: 'Which browser?' }]);
    expect(seen.commentCount).toBe(1);
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select(['action', 'before', 'after'])
      .where('workspace_id', '=', c.workspaceId)
      .where('target_id', '=', t.id)
      .orderBy('seq')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['ticket.created', 'ticket.status_changed', 'ticket.commented']);
    expect(log[1]).toMatchObject({ before: { status: 'open' }, after: { status: 'pending' } });
  });

  it('a member can close and, by commenting, reopen their own ticket', async () => {
    const c = await createCast(ctx.app);
    const t = await file(c, c.member, 'Billing question');
    const req = as(ctx.app, c.member);
    expect(
      json(await req({ method: 'PATCH', url: tickets(c, `/${t.id}`), payload: { status: 'closed' } })),
    ).toMatchObject({ status: 'closed' });
    const reopened = await req({
      method: 'POST',
      url: tickets(c, `/${t.id}/comments`),
      payload: { body: 'Actually, one more thing' },
    });
    expect(json(reopened)).toMatchObject({ status: 'open', commentCount: 1 });
  });
});

describe('filing tickets', () => {
  it('a ticket can be about an agent the filer has access to, not one they cannot see', async () => {
    const c = await createCast(ctx.app);
    const about = await file(c, c.agentUser, 'Bot answers wrong', { agentId: c.agentId });
    expect(about.agentId).toBe(c.agentId);
    const hidden = await addAgent(ctx.app, c.workspaceId, { name: 'Hidden' });
    const res = await as(
      ctx.app,
      c.agentUser,
    )({
      method: 'POST',
      url: tickets(c),
      payload: { subject: 'x', body: 'y', agentId: hidden },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/agentId' }] });
  });

  it('bad input gives validation_failed naming the field and writes nothing', async () => {
    const c = await createCast(ctx.app);
    const req = as(ctx.app, c.member);
    const blank = await req({ method: 'POST', url: tickets(c), payload: { subject: '   ', body: 'x' } });
    expect(json(blank)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/subject' }] });
    const missing = await req({ method: 'POST', url: tickets(c), payload: { subject: 'x' } });
    expect(json<{ errors: { path: string }[] }>(missing).errors.map((e) => e.path)).toContain('/body/body');
    const t = await file(c, c.member, 'ok');
    const status = await req({ method: 'PATCH', url: tickets(c, `/${t.id}`), payload: { status: 'done' } });
    expect(status.statusCode).toBe(400);
    expect(json<{ errors: { path: string }[] }>(status).errors[0]?.path).toBe('/body/status');
    expect(
      await ctx.app.db.selectFrom('tickets').select('id').where('workspace_id', '=', c.workspaceId).execute(),
    ).toHaveLength(1);
  });

  it('API keys cannot file or read tickets (tickets belong to people)', async () => {
    const c = await createCast(ctx.app);
    const key = await addApiKey(ctx.app, c.workspaceId, {});
    const req = as(ctx.app, { apiKey: key });
    expect(
      (await req({ method: 'POST', url: tickets(c), payload: { subject: 'x', body: 'y' } })).statusCode,
    ).toBe(403);
    expect((await req({ method: 'GET', url: tickets(c) })).statusCode).toBe(403);
  });

  it("another workspace's tickets give 404, even to a workspace admin", async () => {
    const a = await createCast(ctx.app);
    const b = await createCast(ctx.app);
    const bTicket = await file(b, b.member, 'B only');
    const req = as(ctx.app, a.admin);
    expect((await req({ method: 'GET', url: tickets(a, `/${bTicket.id}`) })).statusCode).toBe(404);
    expect((await req({ method: 'GET', url: tickets(b) })).statusCode).toBe(404);
    expect(
      (await req({ method: 'PATCH', url: tickets(a, `/${bTicket.id}`), payload: { status: 'closed' } }))
        .statusCode,
    ).toBe(404);
  });
});
