import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/** What the demo seed reads before it writes (demo.ts). */

/** Whether the workspace already has a data source (the demo resources were seeded). */
export async function hasDataSources(db: Kysely<DB>, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('data_sources')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The workspace's agents, oldest first. */
export function demoAgents(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('agents')
    .select(['id', 'name', 'plan', 'status'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The workspace's members with their names and roles, oldest first. */
export function demoMembers(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('workspace_members')
    .innerJoin('users', 'users.id', 'workspace_members.user_id')
    .select(['users.id', 'users.name', 'users.email', 'workspace_members.role'])
    .where('workspace_members.workspace_id', '=', workspaceId)
    .orderBy('workspace_members.created_at')
    .execute();
}
