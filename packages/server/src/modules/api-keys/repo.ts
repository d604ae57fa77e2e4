import { type Kysely, sql, type Transaction } from 'kysely';
import { KEY_OWNER_VOUCHES } from '../../auth/api-keys';
import type { ApiKey, DB, MatrixJson } from '../../db/schema';

/** Every query of the API-keys module (docs/architecture.md, "Repositories"). */

/** A key row as the module writes it: never the secret hash. */
type KeyColumns = Omit<ApiKey, 'secret_hash' | 'workspace_id'>;

/**
 * A key row as the module reads it, with its owner: the creator's name and
 * whether the key's owner still vouches for it (docs/rules.md §4 "API keys").
 */
export type ApiKeyRow = KeyColumns & { creator_name: string | null; vouched: boolean };

const VIEW_COLUMNS = [
  'id',
  'name',
  'prefix',
  'matrix',
  'preset_id',
  'agent_id',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'created_at',
  'created_by',
  'service_key',
] as const;

/** The key rows of a workspace with their owner (creator name, whether the owner still vouches). */
function selectKeys(db: Kysely<DB> | Transaction<DB>, workspaceId: string) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.created_by')
    .select(VIEW_COLUMNS.map((c) => `k.${c}` as const))
    .select(['u.name as creator_name', KEY_OWNER_VOUCHES.as('vouched')])
    .where('k.workspace_id', '=', workspaceId);
}

/** Inserts a key (only the secret's hash and visible prefix are kept). */
export function insertApiKey(
  tx: Transaction<DB>,
  workspaceId: string,
  values: {
    name: string;
    prefix: string;
    secretHash: string;
    grant: { matrix: MatrixJson | null; presetId: string | null };
    agentId: string | null;
    expiresAt: Date | null;
    createdBy: string | null;
  },
): Promise<KeyColumns> {
  return tx
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      name: values.name,
      prefix: values.prefix,
      secret_hash: values.secretHash,
      matrix: values.grant.matrix === null ? null : JSON.stringify(values.grant.matrix),
      preset_id: values.grant.presetId,
      agent_id: values.agentId,
      expires_at: values.expiresAt,
      created_by: values.createdBy,
    })
    .returning(VIEW_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Every key of the workspace (revoked and expired ones included), newest first. */
export function findApiKeys(db: Kysely<DB>, workspaceId: string): Promise<ApiKeyRow[]> {
  return selectKeys(db, workspaceId).orderBy('k.created_at', 'desc').orderBy('k.id').execute();
}

/** One key of the workspace, locked for the rest of the transaction when `lock`; undefined when none. */
export function findApiKey(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<ApiKeyRow | undefined> {
  let qb = selectKeys(db, workspaceId).where('k.id', '=', id);
  if (lock) qb = qb.forUpdate('k');
  return qb.executeTakeFirst();
}

/** Marks a key revoked now. */
export async function markRevoked(tx: Transaction<DB>, workspaceId: string, id: string): Promise<void> {
  await tx
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** Makes a key a service key: owned by the workspace, no longer bound to its creator. */
export async function markServiceKey(tx: Transaction<DB>, workspaceId: string, id: string): Promise<void> {
  await tx
    .updateTable('api_keys')
    .set({ service_key: true })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}
