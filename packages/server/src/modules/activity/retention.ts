import type { Kysely } from 'kysely';
import type { RequestOrigin } from '../../audit/record';
import type { Actor } from '../../auth/principal';
import { type CommandRuntime, runCommand } from '../../command/command';
import { systemScope } from '../../command/http';
import type { DB } from '../../db/schema';
import { type PurgeResult, purgeActivity } from './commands';
import { findRetention, workspacesWithRetention } from './retention-repo';

export type { PurgeResult } from './commands';

/** The retention period of a workspace's activity log, in days; null keeps everything. */
export function getRetention(db: Kysely<DB>, workspaceId: string): Promise<number | null> {
  return findRetention(db, workspaceId);
}

/**
 * What commands run with outside a request: the app's runtime, or one built
 * from a bare database handle (the CLI, tests). A purge writes no access
 * rows, so the access cache is never asked.
 */
export function runtimeOf(target: CommandRuntime | Kysely<DB>): CommandRuntime {
  return 'accessState' in target ? target : { db: target, accessState: { get: async () => null } };
}

/**
 * Purges one workspace's chain outside a request (the periodic job, the
 * CLI): the `purgeActivity` command in the system's scope, or in `actor`'s.
 */
export async function purgeWorkspace(
  target: CommandRuntime | Kysely<DB>,
  input: {
    workspaceId: string;
    actor: Actor;
    origin?: RequestOrigin;
    now?: Date;
    recordWhenEmpty: boolean;
  },
): Promise<PurgeResult> {
  const scope = { ...systemScope(input.workspaceId.toLowerCase()), actor: input.actor };
  if (input.origin) scope.origin = input.origin;
  const { value } = await runCommand(runtimeOf(target), scope, purgeActivity, {
    ...(input.now ? { now: input.now } : {}),
    recordWhenEmpty: input.recordWhenEmpty,
  });
  return value;
}

/**
 * Purges every workspace that has a retention period (the periodic job;
 * also `atrium audit purge`). One workspace failing does not stop the others.
 */
export async function purgeAll(
  target: CommandRuntime | Kysely<DB>,
  actor: Actor,
  onError: (workspaceId: string, err: unknown) => void,
): Promise<PurgeResult[]> {
  const runtime = runtimeOf(target);
  const out: PurgeResult[] = [];
  for (const workspaceId of await workspacesWithRetention(runtime.db)) {
    try {
      out.push(await purgeWorkspace(runtime, { workspaceId, actor, recordWhenEmpty: false }));
    } catch (err) {
      onError(workspaceId, err);
    }
  }
  return out;
}
