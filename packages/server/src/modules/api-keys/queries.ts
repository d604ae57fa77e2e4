import type { Kysely } from 'kysely';
import type { DB, MatrixJson } from '../../db/schema';
import { notFound } from '../../errors';
import { isoOrNull } from '../../http/present';
import { type ApiKeyRow, findApiKey, findApiKeys } from './repo';

/** An API key as the API shows it: never the secret, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  matrix: MatrixJson | null;
  presetId: string | null;
  agentId: string | null;
  /** `suspended`: neither revoked nor expired, but its creator no longer vouches for it (removed, demoted, deleted). */
  status: 'active' | 'revoked' | 'expired' | 'suspended';
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  /** Who the key is bound to (docs/rules.md §4 "API keys"): its creator, or the workspace once transferred. */
  owner: ApiKeyOwner;
}

/** A user key's `userId` and `name` are null when the creator's account was deleted. */
export type ApiKeyOwner =
  | { type: 'user'; userId: string | null; name: string | null }
  | { type: 'workspace' };

/** The API view of a key row: status derived from revocation and expiry; no secret, no hash. */
export function presentApiKey(k: ApiKeyRow): ApiKeyView {
  const expired = k.expires_at !== null && new Date(k.expires_at).getTime() <= Date.now();
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    matrix: k.matrix,
    presetId: k.preset_id,
    agentId: k.agent_id,
    status: k.revoked_at ? 'revoked' : expired ? 'expired' : k.vouched ? 'active' : 'suspended',
    expiresAt: isoOrNull(k.expires_at),
    lastUsedAt: isoOrNull(k.last_used_at),
    revokedAt: isoOrNull(k.revoked_at),
    createdAt: isoOrNull(k.created_at) as string,
    createdBy: k.created_by,
    owner: k.service_key
      ? { type: 'workspace' }
      : { type: 'user', userId: k.created_by, name: k.creator_name },
  };
}

/** Every key of the workspace (revoked and expired ones included), newest first. */
export async function listApiKeys(db: Kysely<DB>, workspaceId: string): Promise<ApiKeyView[]> {
  return (await findApiKeys(db, workspaceId)).map(presentApiKey);
}

/** One key of the workspace; another workspace's key id is 404. */
export async function getApiKey(db: Kysely<DB>, workspaceId: string, id: string): Promise<ApiKeyView> {
  const row = await findApiKey(db, workspaceId, id);
  if (!row) throw notFound('API key');
  return presentApiKey(row);
}
