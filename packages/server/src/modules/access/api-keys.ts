declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Resolve API keys through the instance's {@link ApiKeyCache} (the check
     * API only): a revoked key may then be accepted for the few milliseconds
     * until the revocation's announcement arrives, exactly like a check
     * without a revision token. Other routes read the key from the database.
     */
    apiKeyCache?: boolean;
  }
}

/** A presented API key as resolved from the database (no secret, no hash). */
export interface CachedApiKey {
  apiKeyId: string;
  workspaceId: string;
  name: string;
  /** Expiry in epoch ms, or null. Checked on every use. */
  expiresAt: number | null;
  /** When this instance last wrote `last_used_at` (epoch ms). */
  lastUsedWrite: number;
}

/**
 * Per-instance cache of API-key resolution (secret hash → key), so that
 * `/v1/check` does not query `api_keys` on every request. Creating, revoking
 * or changing a key bumps its workspace's revision (docs/rules.md §3), and the
 * announcement drops the workspace's keys here (`invalidateWorkspace`, called
 * by the access cache). A resolution that raced with an announcement is not
 * cached (`epoch`). Bounded; lives on the app instance, never in module state.
 *
 * Only routes with `config.apiKeyCache` use it (the check API, whose answers
 * without a revision token may trail a change by milliseconds); every other
 * route resolves keys from the database. With `atLeastRevision`, a check is
 * decided on state that includes the revocation, so a revoked key gets 404.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, CachedApiKey>();
  private readonly byWorkspace = new Map<string, Set<string>>();
  private invalidations = 0;

  constructor(private readonly maxKeys = 10_000) {}

  /** The cached key for a secret hash, unless expired (then dropped). */
  get(hash: string, now = Date.now()): CachedApiKey | undefined {
    const hit = this.byHash.get(hash);
    if (hit === undefined) return undefined;
    if (hit.expiresAt !== null && hit.expiresAt <= now) {
      this.delete(hash, hit);
      return undefined;
    }
    return hit;
  }

  /** A token to pass to {@link set}: read it before querying the database. */
  epoch(): number {
    return this.invalidations;
  }

  /** Caches a resolution, unless an invalidation happened since `epoch` was read. */
  set(hash: string, key: CachedApiKey, epoch: number): void {
    if (epoch !== this.invalidations) return;
    if (this.byHash.size >= this.maxKeys) this.clear();
    this.byHash.set(hash, key);
    let hashes = this.byWorkspace.get(key.workspaceId);
    if (hashes === undefined) {
      hashes = new Set();
      this.byWorkspace.set(key.workspaceId, hashes);
    }
    hashes.add(hash);
  }

  /** Drops every key of a workspace (its access changed: a key may have been revoked). */
  invalidateWorkspace(workspaceId: string): void {
    this.invalidations++;
    const hashes = this.byWorkspace.get(workspaceId);
    if (hashes === undefined) return;
    for (const h of hashes) this.byHash.delete(h);
    this.byWorkspace.delete(workspaceId);
  }

  clear(): void {
    this.invalidations++;
    this.byHash.clear();
    this.byWorkspace.clear();
  }

  get size(): number {
    return this.byHash.size;
  }

  private delete(hash: string, key: CachedApiKey): void {
    this.byHash.delete(hash);
    this.byWorkspace.get(key.workspaceId)?.delete(hash);
  }
}
