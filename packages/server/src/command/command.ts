import type { Subject, WorkspaceState } from '@atrium/policy';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type ActivityInput, type RequestOrigin, recordActivity } from '../audit/record';
import type { Actor } from '../auth/principal';
import type { DB } from '../db/schema';
import { AppError, notFound } from '../errors';
import { bumpRevision } from './revision';
import { AccessWriteTracker } from './tracking';

/**
 * The command layer (docs/architecture.md, "Commands"). Every state-changing
 * operation is a command: a named function of `(ctx, input)` that declares
 * the activity actions it may write. One wrapper, {@link runCommand}, runs
 * every command and does, around it, what no command or route does by hand:
 *
 * 1. opens the transaction (and takes the workspace lock when the command
 *    acts in a workspace), so the change and its activity entries commit
 *    together or not at all;
 * 2. records the activity entries the command asks for (`ctx.record`),
 *    refusing an action the command did not declare;
 * 3. bumps the workspace's revision when the command wrote anything the
 *    access state is loaded from (seen by a query-tree tracker, not by the
 *    command's memory) — which also NOTIFYs the other instances at commit;
 * 4. after commit, settles this instance's access cache at the new revision
 *    and runs the command's after-commit effects (waking the mail worker);
 * 5. when the command refuses an administrative action (403), writes one
 *    `access.denied` entry with actor, target and reason in a transaction of
 *    its own (the refused change itself rolled back).
 */

/** Who acts, where, and from where: everything a command knows besides its input. */
export interface CommandScope {
  /** The workspace the command acts in; null for account-level commands (sign-up, profile). */
  workspaceId: string | null;
  /** How the activity log names whoever acted. */
  actor: Actor;
  /** Who acts, for the permission rules (null: the system). */
  subject: Subject | null;
  origin: RequestOrigin;
  /** The access state the request's guard decided on (null outside a workspace). */
  state: WorkspaceState | null;
}

/** An activity entry as a command asks for it: the wrapper adds workspace, actor and origin. */
export type CommandActivity = Omit<ActivityInput, 'workspaceId' | 'actor' | 'origin'> & {
  /** Overrides the scope's workspace (an account-level command writing to one workspace's chain). */
  workspaceId?: string | null;
  /** Overrides the scope's actor (e.g. the system expiring something on someone's behalf). */
  actor?: Actor;
};

/** What a command runs with. */
export interface CommandContext extends CommandScope {
  /** The command's transaction. Queries go through the module's repo functions, which take it. */
  readonly tx: Transaction<DB>;
  /** Appends an activity entry in this transaction; the action must be one the command declared. */
  record(entry: CommandActivity): Promise<void>;
  /** Runs `effect` after the transaction commits (never if it rolls back). */
  afterCommit(effect: () => void | Promise<void>): void;
  /** The acting user's id, or null (API key, system). */
  readonly userId: string | null;
  /**
   * Names another workspace whose access rows this command writes (creating
   * a workspace, deleting an account): its revision is bumped too.
   */
  touchWorkspace(workspaceId: string): void;
}

/** A state-changing operation. Build one with {@link defineCommand}. */
export interface Command<I, O> {
  /** Dotted name, e.g. `members.update`: appears in `access.denied` entries. */
  readonly name: string;
  /** Every activity action the command may write (docs/activity.md). */
  readonly actions: readonly string[];
  /**
   * Take the workspace row lock before running (default true when the scope
   * has a workspace): commands that check an invariant across rows (the last
   * admin, one pending invitation per address) must not race.
   */
  readonly lockWorkspace?: boolean;
  /** What a refusal names as its target in the `access.denied` entry. */
  readonly target?: (input: I) => { type: string; id: string } | null;
  run(ctx: CommandContext, input: I): Promise<O>;
}

/** Declares a command; see {@link Command}. */
export function defineCommand<I, O>(command: Command<I, O>): Command<I, O> {
  return command;
}

/** A command's result: its value, and the revision its access change produced (null when none). */
export interface CommandResult<O> {
  value: O;
  revision: number | null;
}

/** What the wrapper needs from the app (a small local interface: convention 9). */
export interface CommandRuntime {
  db: Kysely<DB>;
  accessState: { get(workspaceId: string, atLeastRevision?: number): Promise<WorkspaceState | null> };
  /**
   * Tests: after a command that bumped no revision, compare the workspace's
   * access state before and after it and fail when they differ (a write the
   * tracker did not see).
   */
  verifyAccessWrites?: boolean;
  /** Loads a workspace's access state in a transaction (for `verifyAccessWrites`). */
  loadState?: (db: Kysely<DB>, workspaceId: string) => Promise<WorkspaceState | null>;
}

/** Thrown in tests when a command changed access without a revision bump: a programming error. */
export class UnannouncedAccessChange extends Error {
  constructor(command: string) {
    super(`Command ${command} changed the access state without bumping the revision`);
    this.name = 'UnannouncedAccessChange';
  }
}

/** Locks the workspace row until the transaction ends; 404 when it does not exist. Returns its revision. */
export async function lockWorkspaceRow(tx: Transaction<DB>, workspaceId: string): Promise<number> {
  const row = await sql<{
    revision: number | string;
  }>`SELECT revision FROM workspaces WHERE id = ${workspaceId} FOR UPDATE`.execute(tx);
  const found = row.rows[0];
  if (!found) throw notFound('workspace');
  return Number(found.revision);
}

/** Runs `command` as described at the top of this file. */
export async function runCommand<I, O>(
  runtime: CommandRuntime,
  scope: CommandScope,
  command: Command<I, O>,
  input: I,
): Promise<CommandResult<O>> {
  const effects: (() => void | Promise<void>)[] = [];
  let outcome: { value: O; revision: number | null; bumped: string[] };
  try {
    outcome = await runtime.db.transaction().execute(async (rawTx) => {
      const tracker = new AccessWriteTracker();
      const tx = rawTx.withPlugin(tracker) as Transaction<DB>;
      const workspaceId = scope.workspaceId;
      // The revision the command started from (when it holds the lock): a
      // command that deletes the workspace is announced one revision on.
      const locked =
        workspaceId && command.lockWorkspace !== false ? await lockWorkspaceRow(tx, workspaceId) : undefined;
      const verify =
        runtime.verifyAccessWrites && workspaceId && runtime.loadState ? runtime.loadState : null;
      const before = verify && workspaceId ? await verify(rawTx, workspaceId) : null;
      const touched = new Set<string>();
      const ctx: CommandContext = {
        ...scope,
        tx,
        userId: scope.subject && 'userId' in scope.subject ? scope.subject.userId : null,
        async record(entry) {
          if (!command.actions.includes(entry.action)) {
            throw new Error(`Command ${command.name} wrote undeclared activity action ${entry.action}`);
          }
          const { workspaceId: ws, actor, ...rest } = entry;
          await recordActivity(tx, {
            ...rest,
            workspaceId: ws === undefined ? scope.workspaceId : ws,
            actor: actor ?? scope.actor,
            origin: scope.origin,
          });
        },
        afterCommit(effect) {
          effects.push(effect);
        },
        touchWorkspace(id) {
          touched.add(id);
        },
      };
      const value = await command.run(ctx, input);
      let revision: number | null = null;
      const bumped: string[] = [];
      if (tracker.accessWritten) {
        // Every workspace whose access rows were written: normally the scope's.
        if (workspaceId) touched.add(workspaceId);
        if (touched.size === 0) {
          throw new Error(
            `Command ${command.name} changed access rows but names no workspace (touchWorkspace)`,
          );
        }
        for (const ws of touched) {
          const next = await bumpRevision(tx, ws, ws === workspaceId ? locked : undefined);
          bumped.push(ws);
          if (ws === workspaceId || revision === null) revision = next;
        }
      } else if (verify && workspaceId && before) {
        const after = await verify(rawTx, workspaceId);
        if (after && fingerprint(after) !== fingerprint(before)) {
          throw new UnannouncedAccessChange(command.name);
        }
      }
      return { value, revision, bumped };
    });
  } catch (err) {
    if (isAdministrativeRefusal(err) && scope.workspaceId && scope.actor.type !== 'system') {
      await recordDenial(runtime.db, scope, {
        reason: (err as AppError).detail ?? (err as AppError).message,
        command: command.name,
        target: safeTarget(command, input),
      });
    }
    throw err;
  }
  const { bumped, ...result } = outcome;
  // This instance knows the new revision before the answer leaves, so the
  // caller's next check here includes the change even before NOTIFY arrives.
  for (const ws of bumped) {
    await runtime.accessState.get(ws, ws === scope.workspaceId ? (result.revision ?? undefined) : undefined);
  }
  for (const effect of effects) await effect();
  return result;
}

function safeTarget<I>(command: Command<I, unknown>, input: I) {
  try {
    return command.target?.(input) ?? null;
  } catch {
    return null;
  }
}

function isAdministrativeRefusal(err: unknown): boolean {
  return err instanceof AppError && err.code === 'forbidden';
}

/**
 * Writes one `access.denied` entry for a refused administrative action, in a
 * transaction of its own (docs/activity.md). Used by the command wrapper and
 * by the route guard, so every refusal is logged in the same shape.
 */
export async function recordDenial(
  db: Kysely<DB>,
  scope: Pick<CommandScope, 'workspaceId' | 'actor' | 'origin'> & { agentId?: string | null },
  detail: {
    reason: string;
    command?: string;
    capability?: string;
    method?: string;
    route?: string;
    target?: { type: string; id: string } | null;
  },
): Promise<void> {
  const { target, ...after } = detail;
  await db.transaction().execute((tx) =>
    recordActivity(tx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'access.denied',
      agentId: scope.agentId ?? null,
      target: target ?? null,
      after,
      origin: scope.origin,
    }),
  );
}

/** A canonical form of an access state, to compare two of them. */
function fingerprint(state: WorkspaceState): string {
  const sortMap = <V>(m: ReadonlyMap<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({
    members: sortMap(state.members),
    agents: sortMap(state.agents).map(([id, a]) => [id, sortMap(a.members)]),
    apiKeys: sortMap(state.apiKeys),
    presets: sortMap(state.presets),
    caps: state.caps,
  });
}
