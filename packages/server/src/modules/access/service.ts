import type { CompiledWorkspace, WorkspaceState } from '@atrium/policy';
import type { ApiKeyCache } from './api-keys';

/**
 * What every access-state consumer sees of the cache, kept apart from its
 * implementation: `AccessCache` (cache.ts) implements this file's interface
 * and imports it; nothing here imports cache.ts.
 */

/** One workspace's access state as cached by an instance, with its compiled index. */
export interface CachedAccess {
  readonly state: WorkspaceState;
  /** `compile(state)`: answers checks without allocating. */
  readonly index: CompiledWorkspace;
  readonly revision: number;
}

/**
 * Hands out the access state of a workspace. Every guard and check goes
 * through here, so caching (and its invalidation on revision changes) lives
 * in one place: the app uses `AccessCache` (cache.ts).
 */
export interface AccessStateSource {
  /**
   * The workspace's state, strictly current (what the guard of ordinary
   * routes uses) and at least `atLeastRevision` when given; null if the
   * workspace does not exist.
   */
  get(workspaceId: string, atLeastRevision?: number): Promise<WorkspaceState | null>;
  /** Like `get`, with the compiled index. */
  current(workspaceId: string, atLeastRevision?: number): Promise<CachedAccess | null>;
  /**
   * The state to answer `/v1/check` from: from memory (synchronously) unless
   * a newer revision is known or asked for, else read through.
   */
  forCheck(workspaceId: string, atLeastRevision?: number): CachedAccess | Promise<CachedAccess | null>;
  /** Cached API-key resolutions, when this source caches (see api-keys.ts). */
  readonly apiKeys?: ApiKeyCache;
  close(): Promise<void>;
}
