import { type Kysely, sql, type Transaction } from 'kysely';
import type { ApiKey, DB, MatrixJson } from '../../db/schema';

/** Every query of the API-keys module (docs/architecture.md, "Repositories"). */

/** A key row as the module reads it: never the secret hash. */
export type ApiKeyRow = Omit<ApiKey, 'secret_hash' | 'workspace_id'>;

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
] as const;

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
): Promise<ApiKeyRow> {
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
  return db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** One key of the workspace, locked for the rest of the transaction when `lock`; undefined when none. */
export function findApiKey(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<ApiKeyRow | undefined> {
  let qb = db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (lock) qb = qb.forUpdate();
  return qb.executeTakeFirst();
}

/** Marks a key revoked now. */
export function markRevoked(tx: Transaction<DB>, workspaceId: string, id: string): Promise<ApiKeyRow> {
  return tx
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(VIEW_COLUMNS)
    .executeTakeFirstOrThrow();
}
