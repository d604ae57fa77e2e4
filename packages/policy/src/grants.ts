import { LEVELS, type Level, levelRank, PERMISSIONS, type Permission } from './catalog';
import { decide } from './decide';
import { levelOf, type Matrix } from './matrix';
import type { Subject, WorkspaceState } from './state';

/**
 * The grant rule "nobody grants what they do not hold" (docs/rules.md §4):
 * whoever edits a grant — workspace-wide when `agentId` is null, on one
 * agent otherwise — may give each item at most the level they hold there
 * themselves, as the engine decides it (a workspace admin holds everything;
 * an agent admin holds edit on their agent's items, capped by the
 * workspace's policies). The server refuses a grant over it; the console
 * greys out the levels above it. Both call these functions.
 */

/** The highest level `editor` may grant on `permission` (their own decided level). */
export function grantableLevel(
  state: WorkspaceState,
  editor: Subject,
  agentId: string | null,
  permission: Permission,
): Level {
  return decide(state, { subject: editor, agentId, permission });
}

/** Per item, the highest level `editor` may grant (items at `none` included). */
export function grantableMatrix(
  state: WorkspaceState,
  editor: Subject,
  agentId: string | null,
): Record<Permission, Level> {
  const out = {} as Record<Permission, Level>;
  for (const p of PERMISSIONS) out[p] = grantableLevel(state, editor, agentId, p);
  return out;
}

/**
 * The items of `granted` above what `editor` may grant, in catalog order;
 * empty when the grant is within the editor's own.
 *
 * @example
 * ```ts
 * grantExcess(state, { userId: 'agentAdmin' }, 'bot', { 'configure.billing': 'edit' }); // ['configure.billing']
 * ```
 */
export function grantExcess(
  state: WorkspaceState,
  editor: Subject,
  agentId: string | null,
  granted: Matrix,
): Permission[] {
  return PERMISSIONS.filter(
    (p) => levelRank(levelOf(granted, p)) > levelRank(grantableLevel(state, editor, agentId, p)),
  );
}

/** The levels of a control that `editor` may pick for `permission` (`none` always). */
export function grantableLevels(
  state: WorkspaceState,
  editor: Subject,
  agentId: string | null,
  permission: Permission,
): Level[] {
  const max = levelRank(grantableLevel(state, editor, agentId, permission));
  return LEVELS.filter((l) => levelRank(l) <= max);
}
