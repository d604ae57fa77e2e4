import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema';
import type { ApiKeyCache } from '../modules/access/api-keys';
import { randomBase62, sha256 } from './tokens';

/** Every Atrium API key starts with this, so scanners and people recognise one. */
export const API_KEY_PREFIX = 'atr_';
/** Characters after `atr_` shown as the key's visible prefix. */
const VISIBLE_CHARS = 8;
/** last_used_at is written at most once a minute per key, so /v1/check stays a read. */
const LAST_USED_INTERVAL_MS = 60_000;

/** A new secret (`atr_` + 32 random bytes in base62), its stored hash and its visible prefix. */
export function generateApiKey(): { secret: string; hash: string; prefix: string } {
  const secret = `${API_KEY_PREFIX}${randomBase62(32)}`;
  return { secret, hash: sha256(secret), prefix: secret.slice(0, API_KEY_PREFIX.length + VISIBLE_CHARS) };
}

/**
 * The condition, on `api_keys` aliased `k`, under which a key's owner still
 * vouches for it (docs/rules.md §4 "API keys"; issue 14, "Keys outlive their
 * creator"): a service key (transferred to the workspace), or a key whose
 * creator is an admin of the key's workspace — the role that holds
 * `workspace.manage`, the capability the API-keys routes require
 * (@atrium/policy `hasCapability`). A creator removed, demoted or deleted
 * (`created_by` set to null) leaves the key dead.
 *
 * The access state loader (modules/access/state.ts) and {@link resolveApiKey}
 * both use it, so the decision and the authentication agree; removing or
 * demoting a member bumps the revision, so every instance drops the key.
 */
export const KEY_OWNER_VOUCHES = sql<boolean>`(k.service_key OR EXISTS (SELECT 1 FROM workspace_members ko
  WHERE ko.workspace_id = k.workspace_id AND ko.user_id = k.created_by AND ko.role = 'admin'))`;

export interface ResolvedApiKey {
  apiKeyId: string;
  workspaceId: string;
  name: string;
}

/**
 * The one lookup of a presented API key: by SHA-256 of the secret; null when
 * unknown, revoked, expired or no longer vouched for by its owner
 * ({@link KEY_OWNER_VOUCHES}). Records the last use, throttled. With `cache`
 * (the app's `accessState.apiKeys`), a known key is resolved from memory —
 * the cache drops a workspace's keys whenever its access revision changes,
 * which every key creation and revocation does (docs/rules.md §3).
 */
export async function resolveApiKey(
  db: Kysely<DB>,
  secret: string,
  cache?: ApiKeyCache,
): Promise<ResolvedApiKey | null> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 128) return null;
  const hash = sha256(secret);
  const now = Date.now();
  const hit = cache?.get(hash, now);
  if (hit) {
    if (now - hit.lastUsedWrite > LAST_USED_INTERVAL_MS) {
      hit.lastUsedWrite = now;
      await db
        .updateTable('api_keys')
        .set({ last_used_at: sql`now()` })
        .where('workspace_id', '=', hit.workspaceId)
        .where('id', '=', hit.apiKeyId)
        .execute();
    }
    return { apiKeyId: hit.apiKeyId, workspaceId: hit.workspaceId, name: hit.name };
  }
  const epoch = cache?.epoch() ?? 0;
  const row = await db
    .selectFrom('api_keys as k')
    .select(['k.id', 'k.workspace_id', 'k.name', 'k.expires_at', 'k.revoked_at', 'k.last_used_at'])
    .where('k.secret_hash', '=', hash)
    .where(KEY_OWNER_VOUCHES)
    .executeTakeFirst();
  if (!row || row.revoked_at) return null;
  if (row.expires_at && new Date(row.expires_at).getTime() <= now) return null;
  let lastUsedWrite = row.last_used_at ? new Date(row.last_used_at).getTime() : 0;
  if (now - lastUsedWrite > LAST_USED_INTERVAL_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()` })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .execute();
    lastUsedWrite = now;
  }
  cache?.set(
    hash,
    {
      apiKeyId: row.id,
      workspaceId: row.workspace_id,
      name: row.name,
      expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
      lastUsedWrite,
    },
    epoch,
  );
  return { apiKeyId: row.id, workspaceId: row.workspace_id, name: row.name };
}
