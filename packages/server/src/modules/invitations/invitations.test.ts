import { describe, expect, it } from 'vitest';
import {
  addAgentMember,
  addMember,
  as,
  createAgent,
  createUser,
  createWorkspace,
} from '../../../test/factories';
import { json, useTestApp } from '../../../test/harness';

const ctx = useTestApp();

async function tokenFor(email: string): Promise<string> {
  const rows = await ctx.app.db
    .selectFrom('outbox')
    .select('text_body')
    .where('to_address', '=', email)
    .where('template', '=', 'invitation')
    .orderBy('created_at', 'desc')
    .execute();
  const m = /token=([\w-]+)/.exec(rows[0]?.text_body ?? '');
  if (!m?.[1]) throw new Error('no invitation email');
  return m[1];
}

const stamp = () => Math.random().toString(36).slice(2, 10);

describe('invitations', () => {
  it('an agent admin sees, resends and revokes only invitations to their own agents', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const owner = await addMember(ctx.app, admin, ws.id);
    const agent = await createAgent(ctx.app, owner, ws.id);
    const asOwner = as(ctx.app, owner);
    const url = `/v1/workspaces/${ws.id}/invitations`;
    const mine = json<{ results: { invitationId: string }[] }>(
      await asOwner({
        method: 'POST',
        url,
        payload: {
          emails: [`a-${stamp()}@example.com`],
          agents: [{ agentId: agent.id, role: 'agent_user' }],
        },
      }),
    ).results[0]?.invitationId;
    const theirs = json<{ results: { invitationId: string }[] }>(
      await as(ctx.app, admin)({ method: 'POST', url, payload: { emails: [`w-${stamp()}@example.com`] } }),
    ).results[0]?.invitationId;
    const list = json<{ invitations: { id: string; target: string; agents: { agentId: string }[] }[] }>(
      await asOwner({ method: 'GET', url }),
    ).invitations;
    expect(list.map((i) => i.id)).toEqual([mine]);
    expect(list[0]).toMatchObject({
      target: 'agents',
      agents: [{ agentId: agent.id }],
      can: { resend: true, revoke: true },
    });
    expect(JSON.stringify(list)).not.toMatch(/token/i);
    expect((await asOwner({ method: 'POST', url: `${url}/${theirs}/resend` })).statusCode).toBe(404);
    expect((await asOwner({ method: 'DELETE', url: `${url}/${theirs}` })).statusCode).toBe(404);
    expect((await asOwner({ method: 'POST', url: `${url}/${mine}/resend` })).statusCode).toBe(200);
    expect((await asOwner({ method: 'DELETE', url: `${url}/${mine}` })).statusCode).toBe(200);
    const revoked = json<{ invitations: { id: string; status: string }[] }>(
      await asOwner({ method: 'GET', url: `${url}?status=revoked` }),
    );
    expect(revoked.invitations).toMatchObject([{ id: mine, status: 'revoked' }]);
    const resendRevoked = await asOwner({ method: 'POST', url: `${url}/${mine}/resend` });
    expect([resendRevoked.statusCode, json(resendRevoked).code]).toEqual([410, 'invitation_revoked']);
  });

  it('an agent invitation, once accepted, gives the agent role and grant', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const agent = await createAgent(ctx.app, admin, ws.id);
    const email = `agentinv-${stamp()}@example.com`;
    await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: {
        emails: [email],
        agents: [{ agentId: agent.id, role: 'agent_user', matrix: { 'build.knowledge': 'edit' } }],
      },
    });
    const user = await createUser(ctx.app, { email });
    const res = await as(
      ctx.app,
      user,
    )({ method: 'POST', url: '/v1/invitations/accept', payload: { token: await tokenFor(email) } });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ role: 'member', agents: [{ agentId: agent.id, role: 'agent_user' }] });
    const am = json<{ matrix: Record<string, string> }>(
      await as(
        ctx.app,
        admin,
      )({ method: 'GET', url: `/v1/workspaces/${ws.id}/agents/${agent.id}/members/${user.id}` }),
    );
    expect(am.matrix).toEqual({ 'build.knowledge': 'edit' });
    const log = await ctx.app.db
      .selectFrom('activity_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .where('action', 'in', ['invitation.created', 'invitation.accepted', 'member.added'])
      .orderBy('seq')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['invitation.created', 'invitation.accepted', 'member.added']);
  });

  it('accepting without a session needs name and password, a strong password, and a free email', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const email = `signup-${stamp()}@example.com`;
    await as(
      ctx.app,
      admin,
    )({ method: 'POST', url: `/v1/workspaces/${ws.id}/invitations`, payload: { emails: [email] } });
    const token = await tokenFor(email);
    const accept = (payload: object) =>
      ctx.app.inject({ method: 'POST', url: '/v1/invitations/accept', payload });
    const bare = await accept({ token });
    expect([bare.statusCode, json(bare).code]).toEqual([401, 'unauthenticated']);
    const weak = await accept({ token, name: 'W', password: 'short' });
    expect(json(weak)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/password' }] });
    await createUser(ctx.app, { email });
    const taken = await accept({ token, name: 'W', password: 'a long enough passphrase 42' });
    expect([taken.statusCode, json(taken).code]).toEqual([409, 'email_taken']);
    expect(
      await ctx.app.db
        .selectFrom('invitations')
        .select('status')
        .where('email', '=', email)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: 'pending',
    });
  });

  it('an existing member invited again is left as is', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const m = await addMember(ctx.app, admin, ws.id, { matrix: { build: 'read' } });
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [m.email], role: 'admin' },
    });
    expect(json(res).results).toEqual([{ email: m.email, status: 'already_member' }]);
    const member = json(
      await as(ctx.app, admin)({ method: 'GET', url: `/v1/workspaces/${ws.id}/members/${m.id}` }),
    );
    expect(member).toMatchObject({ role: 'member' });
  });

  it('an agent user sees no invitations; another workspace’s agent answers 404', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const agent = await createAgent(ctx.app, admin, ws.id);
    const u = await addMember(ctx.app, admin, ws.id);
    await addAgentMember(ctx.app, admin, ws.id, agent.id, u);
    await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [`x-${stamp()}@example.com`] },
    });
    expect(
      json(await as(ctx.app, u)({ method: 'GET', url: `/v1/workspaces/${ws.id}/invitations` })).invitations,
    ).toEqual([]);
    const other = await createWorkspace(ctx.app, admin);
    const foreign = await createAgent(ctx.app, admin, other.id);
    const res = await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: ['y@example.com'], agents: [{ agentId: foreign.id, role: 'agent_user' }] },
    });
    expect(res.statusCode).toBe(404);
  });

  it('signing in with the invited (verified) email joins without the link', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin, 'Pending Co');
    const email = `mine-${stamp()}@example.com`;
    await as(
      ctx.app,
      admin,
    )({
      method: 'POST',
      url: `/v1/workspaces/${ws.id}/invitations`,
      payload: { emails: [email], presetId: 'builder' },
    });
    const user = await createUser(ctx.app, { email });
    const asUser = as(ctx.app, user);
    const mine = json<{ invitations: { id: string; workspace: { name: string } }[] }>(
      await asUser({ method: 'GET', url: '/v1/me/invitations' }),
    );
    expect(mine.invitations).toMatchObject([{ workspace: { name: 'Pending Co' } }]);
    const id = mine.invitations[0]?.id;
    const stranger = await createUser(ctx.app);
    expect(
      (await as(ctx.app, stranger)({ method: 'POST', url: `/v1/me/invitations/${id}/accept` })).statusCode,
    ).toBe(404);
    await ctx.app.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', user.id)
      .execute();
    expect((await asUser({ method: 'POST', url: `/v1/me/invitations/${id}/accept` })).statusCode).toBe(403);
    await ctx.app.db
      .updateTable('users')
      .set({ email_verified_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    const ok = await asUser({ method: 'POST', url: `/v1/me/invitations/${id}/accept` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok)).toMatchObject({ workspaceId: ws.id, role: 'member' });
    const again = await asUser({ method: 'POST', url: `/v1/me/invitations/${id}/accept` });
    expect(json(again).code).toBe('invitation_used');
    expect(json(await asUser({ method: 'GET', url: '/v1/me/invitations' })).invitations).toEqual([]);
  });

  it('a link accepted twice at once joins once', async () => {
    const admin = await createUser(ctx.app);
    const ws = await createWorkspace(ctx.app, admin);
    const email = `race-${stamp()}@example.com`;
    await as(
      ctx.app,
      admin,
    )({ method: 'POST', url: `/v1/workspaces/${ws.id}/invitations`, payload: { emails: [email] } });
    const token = await tokenFor(email);
    const accept = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        payload: { token, name: 'Racer', password: 'a long enough passphrase 42' },
      });
    const results = await Promise.all([accept(), accept()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 410]);
    expect(results.map((r) => json(r).code).filter(Boolean)).toEqual(['invitation_used']);
    const users = await ctx.app.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(users).toHaveLength(1);
  });
});
