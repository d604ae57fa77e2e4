import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';

/** A workspace row as the presenters read it. */
export interface WorkspaceRow {
  id: string;
  name: string;
  revision: number;
  created_at: unknown;
}

/** Inserts a workspace; returns its id. */
export async function insertWorkspace(tx: Transaction<DB>, name: string, createdBy: string): Promise<string> {
  const row = await tx
    .insertInto('workspaces')
    .values({ name, created_by: createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Makes `userId` the admin of a new workspace, with access to every agent. */
export async function insertCreatorMembership(
  tx: Transaction<DB>,
  workspaceId: string,
  userId: string,
): Promise<void> {
  await tx
    .insertInto('workspace_members')
    .values({
      workspace_id: workspaceId,
      user_id: userId,
      role: 'admin',
      agent_access: 'all',
      matrix: null,
      preset_id: null,
    })
    .execute();
}

/** The (empty) policies row every workspace has. */
export async function insertEmptyPolicies(tx: Transaction<DB>, workspaceId: string): Promise<void> {
  await tx.insertInto('workspace_policies').values({ workspace_id: workspaceId, named: '[]' }).execute();
}

/** A workspace's name, locked for the rest of the transaction; 404 when it does not exist. */
export async function lockWorkspaceName(tx: Transaction<DB>, workspaceId: string): Promise<string> {
  const row = await tx
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('workspace');
  return row.name;
}

/** Renames a workspace. */
export async function updateWorkspaceName(
  tx: Transaction<DB>,
  workspaceId: string,
  name: string,
): Promise<void> {
  await tx
    .updateTable('workspaces')
    .set({ name, updated_at: sql`now()` })
    .where('id', '=', workspaceId)
    .execute();
}

/** Deletes a workspace; everything in it goes by foreign-key cascade (the activity log has none). */
export async function deleteWorkspaceRow(tx: Transaction<DB>, workspaceId: string): Promise<void> {
  await tx.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
}

/** One workspace; undefined when it does not exist. */
export async function findWorkspace(db: Kysely<DB>, workspaceId: string): Promise<WorkspaceRow | undefined> {
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'revision', 'created_at'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
}

/** The workspaces a user belongs to, with their role in each (newest first). */
export async function findMyWorkspaces(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'w.revision', 'w.created_at', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id')
    .execute();
}
