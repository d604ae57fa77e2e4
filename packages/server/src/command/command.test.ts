import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addMember, createUser, createWorkspace, type TestUser } from '../../test/factories';
import { useTestApp } from '../../test/harness';
import { NO_ORIGIN } from '../audit/record';
import type { Actor } from '../auth/principal';
import { problem } from '../errors';
import { loadWorkspaceState } from '../modules/access/state';
import { type CommandScope, defineCommand, runCommand, UnannouncedAccessChange } from './command';
import { UnscopedTenantWrite } from './tracking';

const ctx = useTestApp();

async function setup(): Promise<{
  admin: TestUser;
  member: TestUser;
  workspaceId: string;
  scope: CommandScope;
}> {
  const admin = await createUser(ctx.app);
  const ws = await createWorkspace(ctx.app, admin);
  const member = await addMember(ctx.app, admin, ws.id);
  const actor: Actor = { type: 'user', id: admin.id, name: admin.name };
  const state = await ctx.app.accessState.get(ws.id);
  return {
    admin,
    member,
    workspaceId: ws.id,
    scope: { workspaceId: ws.id, actor, subject: { userId: admin.id }, origin: NO_ORIGIN, state },
  };
}

async function revisionOf(workspaceId: string): Promise<number> {
  const row = await ctx.app.db
    .selectFrom('workspaces')
    .select('revision')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}

async function entries(workspaceId: string, action: string) {
  return ctx.app.db
    .selectFrom('activity_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('action', '=', action)
    .execute();
}

describe('the command wrapper (docs/architecture.md, Commands)', () => {
  it('bumps the revision by itself when a command writes access rows, and settles the cache', async () => {
    const { member, workspaceId, scope } = await setup();
    const before = await revisionOf(workspaceId);
    const promote = defineCommand({
      name: 'test.give_read',
      actions: ['permissions.updated'],
      async run(c, userId: string) {
        await c.tx
          .updateTable('workspace_members')
          .set({ matrix: JSON.stringify({ 'build.knowledge': 'read' }) })
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .execute();
        await c.record({ action: 'permissions.updated', target: { type: 'member', id: userId } });
        return 'done';
      },
    });
    const result = await runCommand(ctx.app.commands, scope, promote, member.id);
    expect(result).toEqual({ value: 'done', revision: before + 1 });
    expect(await revisionOf(workspaceId)).toBe(before + 1);
    // The cache already holds the new revision: no NOTIFY needed on this instance.
    const cached = ctx.app.accessState.forCheck(workspaceId);
    expect('then' in cached ? null : cached.revision).toBe(before + 1);
  });

  it('leaves the revision alone when a command writes nothing access depends on', async () => {
    const { workspaceId, scope } = await setup();
    const before = await revisionOf(workspaceId);
    const rename = defineCommand({
      name: 'test.rename',
      actions: ['workspace.renamed'],
      async run(c) {
        await c.tx.updateTable('workspaces').set({ name: 'Renamed' }).where('id', '=', workspaceId).execute();
      },
    });
    expect((await runCommand(ctx.app.commands, scope, rename, {})).revision).toBeNull();
    expect(await revisionOf(workspaceId)).toBe(before);
  });

  it('fails, and rolls back, when a command changes access without a revision bump', async () => {
    const { member, workspaceId, scope } = await setup();
    const before = await revisionOf(workspaceId);
    // A schema-qualified raw statement the write tracker does not recognise:
    // the test-mode state comparison catches what the tracker missed.
    const sneaky = defineCommand({
      name: 'test.sneaky',
      actions: [],
      async run(c, userId: string) {
        await sql`UPDATE public.workspace_members SET role = 'admin', agent_access = 'all'
          WHERE workspace_id = ${workspaceId} AND user_id = ${userId}`.execute(c.tx);
      },
    });
    await expect(runCommand(ctx.app.commands, scope, sneaky, member.id)).rejects.toBeInstanceOf(
      UnannouncedAccessChange,
    );
    expect(await revisionOf(workspaceId)).toBe(before);
    const state = await loadWorkspaceState(ctx.app.db, workspaceId);
    expect(state?.members.get(member.id)?.role).toBe('member');
  });

  it('refuses an activity action the command did not declare, writing nothing', async () => {
    const { member, workspaceId, scope } = await setup();
    const undeclared = defineCommand({
      name: 'test.undeclared',
      actions: ['member.left'],
      async run(c, userId: string) {
        await c.tx
          .deleteFrom('workspace_members')
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .execute();
        await c.record({ action: 'member.removed', target: { type: 'member', id: userId } });
      },
    });
    await expect(runCommand(ctx.app.commands, scope, undeclared, member.id)).rejects.toThrow(
      /undeclared activity action member.removed/,
    );
    expect((await loadWorkspaceState(ctx.app.db, workspaceId))?.members.has(member.id)).toBe(true);
  });

  it('refuses an UPDATE or DELETE on a tenant table that does not name workspace_id', async () => {
    const { member, workspaceId } = await setup();
    await expect(
      ctx.app.db
        .updateTable('workspace_members')
        .set({ role: 'admin' })
        .where('user_id', '=', member.id)
        .execute(),
    ).rejects.toBeInstanceOf(UnscopedTenantWrite);
    await expect(
      ctx.app.db.deleteFrom('agents').where('name', '=', 'anything').execute(),
    ).rejects.toBeInstanceOf(UnscopedTenantWrite);
    const state = await loadWorkspaceState(ctx.app.db, workspaceId);
    expect(state?.members.get(member.id)?.role).toBe('member');
  });

  it('logs one access.denied entry with actor, target and reason when a command refuses, and rolls the rest back', async () => {
    const { admin, member, workspaceId, scope } = await setup();
    const refuse = defineCommand({
      name: 'test.refuse',
      actions: ['permissions.updated'],
      target: (userId: string) => ({ type: 'member', id: userId }),
      async run(c, userId: string) {
        await c.record({ action: 'permissions.updated', target: { type: 'member', id: userId } });
        throw problem('forbidden', 'You cannot grant more than you hold: build.knowledge');
      },
    });
    await expect(runCommand(ctx.app.commands, scope, refuse, member.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const denied = await entries(workspaceId, 'access.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ actor_id: admin.id, target_type: 'member', target_id: member.id });
    expect(denied[0]?.after).toMatchObject({
      command: 'test.refuse',
      reason: 'You cannot grant more than you hold: build.knowledge',
    });
    expect(
      (await entries(workspaceId, 'permissions.updated')).filter(
        (e) => e.target_id === member.id && e.actor_id === admin.id,
      ),
    ).toHaveLength(0);
  });
});
