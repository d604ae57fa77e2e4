import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/**
 * The check module's only queries (docs/architecture.md, "Repositories"):
 * names for one page of "who has access". Decisions never come from here,
 * only from the access state.
 */

/** Names and emails of these users. */
export async function findUserNames(db: Kysely<DB>, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', userIds).execute();
}

/** Names and prefixes of these keys of the workspace. */
export async function findApiKeyNames(db: Kysely<DB>, workspaceId: string, keyIds: readonly string[]) {
  if (keyIds.length === 0) return [];
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', keyIds)
    .execute();
}
