import type { Subject, WorkspaceState } from '@atrium/policy';
import { type Kysely, sql } from 'kysely';
import { recordActivity } from '../../audit/record';
import { bumpRevision } from '../../command/revision';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';
import { canBlock, inTransaction, isoOf, requireConfirmation, type WriteContext } from './common';

/** A workspace as the API shows it to one member. */
export interface WorkspaceView {
  id: string;
  name: string;
  role: 'admin' | 'member';
  revision: number;
  createdAt: string;
  can: Record<string, boolean>;
}

function present(
  row: { id: string; name: string; revision: number; created_at: unknown },
  role: 'admin' | 'member',
  can: Record<string, boolean>,
): WorkspaceView {
  return {
    id: row.id,
    name: row.name,
    role,
    revision: Number(row.revision),
    createdAt: isoOf(row.created_at),
    can,
  };
}

/**
 * Creates a workspace; its creator becomes its admin with access to every
 * agent (SPEC §4 "Workspace creation: any user; the creator is its admin"),
 * and its (empty) policies row. One transaction with the activity entry.
 */
export async function createWorkspace(
  db: Kysely<DB>,
  userId: string,
  name: string,
  ctx: WriteContext,
): Promise<{ id: string; revision: number }> {
  return inTransaction(db, async (tx) => {
    const ws = await tx
      .insertInto('workspaces')
      .values({ name, created_by: userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('workspace_members')
      .values({
        workspace_id: ws.id,
        user_id: userId,
        role: 'admin',
        agent_access: 'all',
        matrix: null,
        preset_id: null,
      })
      .execute();
    await tx.insertInto('workspace_policies').values({ workspace_id: ws.id, named: '[]' }).execute();
    await recordActivity(tx, {
      workspaceId: ws.id,
      actor: ctx.actor,
      action: 'workspace.created',
      target: { type: 'workspace', id: ws.id },
      after: { name },
      origin: ctx.origin,
    });
    const revision = await bumpRevision(tx, ws.id);
    return { id: ws.id, revision };
  });
}

/** The workspaces a user belongs to, with their role in each (newest first). */
export async function listMyWorkspaces(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'w.revision', 'w.created_at', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id')
    .execute();
}

/** One workspace as its member sees it. */
export async function getWorkspace(
  db: Kysely<DB>,
  state: WorkspaceState,
  subject: Subject,
): Promise<WorkspaceView & { memberCount: number; agentCount: number }> {
  const row = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'revision', 'created_at'])
    .where('id', '=', state.workspaceId)
    .executeTakeFirst();
  if (!row) throw notFound('workspace');
  const role =
    'userId' in subject ? (state.members.get(subject.userId)?.role ?? 'member') : ('member' as const);
  return {
    ...present(row, role, canBlock(state, subject)),
    memberCount: state.members.size,
    agentCount: state.agents.size,
  };
}

export { present as presentWorkspace };

/** Renames a workspace (workspace.manage). */
export async function renameWorkspace(db: Kysely<DB>, workspaceId: string, name: string, ctx: WriteContext) {
  return inTransaction(db, async (tx) => {
    const before = await tx
      .selectFrom('workspaces')
      .select('name')
      .where('id', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound('workspace');
    await tx
      .updateTable('workspaces')
      .set({ name, updated_at: sql`now()` })
      .where('id', '=', workspaceId)
      .execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'workspace.renamed',
      target: { type: 'workspace', id: workspaceId },
      before: { name: before.name },
      after: { name },
      origin: ctx.origin,
    });
    // A rename does not change access, but bumping keeps every cached state
    // (which carries nothing about names) consistent with one rule: writes bump.
    const revision = await bumpRevision(tx, workspaceId);
    return { revision };
  });
}

/**
 * Deletes a workspace and everything in it, once the admin has typed its
 * exact name (SPEC §4 "Deleting"). The activity entry outlives the workspace
 * (the log has no foreign keys on purpose). The revision is bumped first so
 * every instance drops its cached state.
 */
export async function deleteWorkspace(
  db: Kysely<DB>,
  workspaceId: string,
  confirm: string | undefined,
  ctx: WriteContext,
) {
  return inTransaction(db, async (tx) => {
    const ws = await tx
      .selectFrom('workspaces')
      .select(['name'])
      .where('id', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!ws) throw notFound('workspace');
    requireConfirmation(confirm, ws.name, 'workspace name');
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'workspace.deleted',
      target: { type: 'workspace', id: workspaceId },
      before: { name: ws.name },
      origin: ctx.origin,
    });
    const revision = await bumpRevision(tx, workspaceId);
    await tx.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
    return { deleted: true as const, revision };
  });
}
