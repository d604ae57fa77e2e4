import type { WorkspaceState } from '@atrium/policy';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { loadWorkspaceState } from './state';

/**
 * Hands out the access state of a workspace. Every guard and check goes
 * through here, so caching (and its invalidation on revision changes) lives
 * in one place.
 */
export interface AccessStateSource {
  /** The workspace's state, at least as new as `atLeastRevision` when given; null if it does not exist. */
  get(workspaceId: string, atLeastRevision?: number): Promise<WorkspaceState | null>;
  close(): Promise<void>;
}

/** Reads through to the database on every call: always current. */
export function readThroughSource(db: Kysely<DB>): AccessStateSource {
  return {
    get: (workspaceId) => loadWorkspaceState(db, workspaceId),
    async close() {},
  };
}
