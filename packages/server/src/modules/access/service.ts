import { compile, type WorkspaceState } from '@atrium/policy';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { ApiKeyCache } from './api-keys';
import type { CachedAccess } from './cache';
import { loadWorkspaceState } from './state';

export type { CachedAccess } from './cache';

/**
 * Hands out the access state of a workspace. Every guard and check goes
 * through here, so caching (and its invalidation on revision changes) lives
 * in one place: the app uses `AccessCache` (cache.ts); `readThroughSource`
 * is the uncached reference.
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

/** Reads through to the database on every call: always current, never cached. */
export function readThroughSource(db: Kysely<DB>): AccessStateSource {
  const current = async (workspaceId: string): Promise<CachedAccess | null> => {
    const state = await loadWorkspaceState(db, workspaceId);
    return state && { state, index: compile(state), revision: state.revision };
  };
  return {
    get: (workspaceId) => loadWorkspaceState(db, workspaceId),
    current,
    forCheck: current,
    async close() {},
  };
}
