import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema';

/** Every query of the policies module (docs/architecture.md, "Repositories"). */

export type Level = 'none' | 'read' | 'edit';

/** The workspace's named policies as stored (unknown names are filtered by the caller). */
export async function findNamedPolicies(db: Kysely<DB>, workspaceId: string): Promise<string[]> {
  const row = await db
    .selectFrom('workspace_policies')
    .select('named')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return (row?.named ?? []) as string[];
}

/** The workspace's generic caps, oldest first. */
export function findCaps(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('policy_caps')
    .select(['id', 'permission', 'max_level', 'agent_id'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Stores the workspace's named policies (one row per workspace). */
export async function saveNamedPolicies(
  tx: Transaction<DB>,
  workspaceId: string,
  named: readonly string[],
): Promise<void> {
  await tx
    .insertInto('workspace_policies')
    .values({ workspace_id: workspaceId, named: JSON.stringify(named) })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ named: JSON.stringify(named), updated_at: sql`now()` }),
    )
    .execute();
}

/** Replaces every generic cap of the workspace. */
export async function replaceCaps(
  tx: Transaction<DB>,
  workspaceId: string,
  caps: readonly { permission: string; maxLevel: Level; agentId?: string | null }[],
): Promise<void> {
  await tx.deleteFrom('policy_caps').where('workspace_id', '=', workspaceId).execute();
  if (caps.length === 0) return;
  await tx
    .insertInto('policy_caps')
    .values(
      caps.map((c) => ({
        workspace_id: workspaceId,
        permission: c.permission,
        max_level: c.maxLevel,
        agent_id: c.agentId ?? null,
      })),
    )
    .execute();
}
