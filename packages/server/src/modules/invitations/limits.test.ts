/**
 * "No mail cannon" (issue 14; docs/security.md): only a person with a
 * verified address invites, and invitation emails are limited per workspace,
 * per inviter and per invitation per hour.
 */
import { describe, expect, it } from 'vitest';
import { as, createUser, createWorkspace } from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp({
  invitationEmailsPerWorkspaceHour: 5,
  invitationEmailsPerInviterHour: 8,
  invitationResendsPerHour: 2,
});

const addresses = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}-${i}-${Math.random().toString(36).slice(2, 8)}@example.org`);

async function outboxCount(): Promise<number> {
  const row = await ctx.app.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('template', '=', 'invitation')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('no mail cannon', () => {
  it('an account whose own address is unverified cannot send invitations (403 email_unverified), and nothing is queued', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    await ctx.app.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', admin.id)
      .execute();
    const before = await outboxCount();
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: addresses(3, 'lure'), role: 'member' },
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(json(res)).toMatchObject({ code: 'email_unverified' });
    expect(await outboxCount()).toBe(before);
  });

  it('invitation emails are limited per workspace per hour: 429 with Retry-After, all or nothing', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const invite = (emails: string[]) =>
      as(
        ctx.app,
        admin,
      )({
        method: 'POST',
        url: `/v1/workspaces/${ws.id}/invitations`,
        payload: { emails, role: 'member' },
      });
    expect((await invite(addresses(4, 'a'))).statusCode).toBe(200);
    const before = await outboxCount();
    const over = await invite(addresses(2, 'b'));
    expect(over.statusCode, over.body).toBe(429);
    expect(json(over)).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await outboxCount()).toBe(before);
    // One more still fits the hour's budget of 5.
    expect((await invite(addresses(1, 'c'))).statusCode).toBe(200);
  });

  it('invitation emails are limited per inviter per hour, across workspaces', async () => {
    const admin = await createUser(ctx.app);
    const ws1 = await createWorkspace(ctx.app, admin);
    const ws2 = await createWorkspace(ctx.app, admin);
    const invite = (ws: string, emails: string[]) =>
      as(
        ctx.app,
        admin,
      )({ method: 'POST', url: `/v1/workspaces/${ws}/invitations`, payload: { emails, role: 'member' } });
    expect((await invite(ws1.id, addresses(5, 'd'))).statusCode).toBe(200);
    const over = await invite(ws2.id, addresses(4, 'e'));
    expect(over.statusCode, over.body).toBe(429);
    expect(json<{ detail: string }>(over).detail).toMatch(
      /You have sent 5 invitation emails in the last hour/,
    );
  });

  it('resends of one invitation are limited per hour', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const created = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: addresses(1, 'f'), role: 'member' },
    });
    const id = json<{ results: { invitationId?: string; invitation?: { id: string } }[] }>(created)
      .results[0];
    const invitationId = id?.invitationId ?? id?.invitation?.id;
    expect(invitationId, created.body).toBeTruthy();
    const resend = () =>
      as(
        ctx.app,
        admin,
      )({ method: 'POST', url: `/v1/workspaces/${ws.id}/invitations/${invitationId}/resend` });
    expect((await resend()).statusCode).toBe(200);
    expect((await resend()).statusCode).toBe(200);
    const third = await resend();
    expect(third.statusCode, third.body).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });
});
