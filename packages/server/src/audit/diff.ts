import { diffMatrix, type Level, type Matrix, type Permission } from '@atrium/policy';

/**
 * The per-item difference between two matrices, shaped for an activity
 * entry's `before` and `after` (docs/rules.md §5: "for permission changes, the
 * per-item difference: `build.knowledge: read → edit`").
 */
export interface PermissionDiff {
  /** The changed items only, at their old level: `{ 'build.knowledge': 'read' }`. */
  before: Partial<Record<Permission, Level>>;
  /** The changed items only, at their new level: `{ 'build.knowledge': 'edit' }`. */
  after: Partial<Record<Permission, Level>>;
  /** One line per changed item, in catalog order: `build.knowledge: read → edit`. */
  changes: string[];
}

/**
 * Compares two matrices (null = no matrix, every item `none`) with
 * `diffMatrix` from `@atrium/policy` and returns only what changed.
 *
 * @example
 * ```ts
 * const d = permissionDiff({ 'build.knowledge': 'read' }, { 'build.knowledge': 'edit' });
 * // d.changes → ['build.knowledge: read → edit']
 * await recordActivity(tx, { …, action: 'permissions.updated',
 *   before: { permissions: d.before }, after: { permissions: d.after, changes: d.changes } });
 * ```
 */
export function permissionDiff(
  before: Matrix | null | undefined,
  after: Matrix | null | undefined,
): PermissionDiff {
  const out: PermissionDiff = { before: {}, after: {}, changes: [] };
  for (const change of diffMatrix(before ?? {}, after ?? {})) {
    out.before[change.permission] = change.before;
    out.after[change.permission] = change.after;
    out.changes.push(`${change.permission}: ${change.before} → ${change.after}`);
  }
  return out;
}
