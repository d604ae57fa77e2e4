/**
 * Matrices: a level per item (docs/rules.md §2). Stored per item; an absent entry and
 * an explicit `none` mean the same thing. All functions are pure and return
 * new objects.
 *
 * @module
 */

import {
  AREAS,
  type Area,
  isArea,
  isLevel,
  isPermission,
  isSensitive,
  LEVELS,
  type Level,
  levelRank,
  PERMISSIONS,
  type Permission,
  permissionsOf,
} from './catalog';

/**
 * A matrix: a level per permission. Absent === `'none'`.
 *
 * @example
 * ```ts
 * const m: Matrix = { 'build.knowledge': 'edit', 'build.tools': 'read' };
 * ```
 */
export type Matrix = Partial<Record<Permission, Level>>;

/** The empty matrix (every item `none`). Frozen; safe to share. */
export const EMPTY_MATRIX: Readonly<Matrix> = Object.freeze({});

/**
 * The level a matrix gives a permission (`none` when absent).
 *
 * @example
 * ```ts
 * levelOf({ 'build.flows': 'read' }, 'build.flows'); // 'read'
 * levelOf({}, 'build.flows'); // 'none'
 * ```
 */
export function levelOf(m: Matrix, p: Permission): Level {
  const l = m[p];
  return l === 'edit' || l === 'read' ? l : 'none';
}

/**
 * Set every NON-sensitive item of an area to `level`, immutably. Sensitive
 * items (`analytics.conversation_pii`, `analytics.call_download`) are never
 * touched by an area setting (docs/rules.md §2).
 *
 * @example
 * ```ts
 * setArea({}, 'analytics', 'read'); // every analytics item read, except the two sensitive ones
 * ```
 */
export function setArea(m: Matrix, area: Area, level: Level): Matrix {
  const out: Matrix = { ...m };
  for (const p of permissionsOf(area)) {
    if (!isSensitive(p)) out[p] = level;
  }
  return normalizeMatrix(out);
}

/**
 * Set one item to `level` (higher or lower than its siblings), immutably.
 *
 * @example
 * ```ts
 * setItem(setArea({}, 'build', 'read'), 'build.knowledge', 'edit');
 * ```
 */
export function setItem(m: Matrix, p: Permission, level: Level): Matrix {
  return normalizeMatrix({ ...m, [p]: level });
}

/**
 * The level shown for an area: the common level of its NON-sensitive items,
 * or `'mixed'` when they differ. An area at `none` is hidden from the
 * member's console.
 *
 * @example
 * ```ts
 * areaLevel(setArea({}, 'build', 'read'), 'build'); // 'read'
 * areaLevel({ 'build.knowledge': 'edit' }, 'build'); // 'mixed'
 * ```
 */
export function areaLevel(m: Matrix, area: Area): Level | 'mixed' {
  let seen: Level | null = null;
  for (const p of permissionsOf(area)) {
    if (isSensitive(p)) continue;
    const l = levelOf(m, p);
    if (seen === null) seen = l;
    else if (seen !== l) return 'mixed';
  }
  return seen ?? 'none';
}

/**
 * The canonical form of a matrix: `none` entries and unknown keys dropped,
 * keys in catalog order. Two matrices that grant the same thing normalize to
 * deep-equal objects.
 *
 * @example
 * ```ts
 * normalizeMatrix({ 'build.tools': 'none', 'build.agent': 'read' }); // { 'build.agent': 'read' }
 * ```
 */
export function normalizeMatrix(m: Matrix): Matrix {
  const out: Matrix = {};
  for (const p of PERMISSIONS) {
    const l = m[p];
    if (l === 'read' || l === 'edit') out[p] = l;
  }
  return out;
}

/** One changed item between two matrices. */
export interface MatrixChange {
  /** The permission that changed. */
  permission: Permission;
  /** Its level before. */
  before: Level;
  /** Its level after. */
  after: Level;
}

/**
 * The items whose level differs between two matrices, in catalog order
 * (used for activity-log entries and preset version comparison).
 *
 * @example
 * ```ts
 * diffMatrix({}, { 'build.flows': 'read' }); // [{ permission: 'build.flows', before: 'none', after: 'read' }]
 * ```
 */
export function diffMatrix(before: Matrix, after: Matrix): MatrixChange[] {
  const out: MatrixChange[] = [];
  for (const p of PERMISSIONS) {
    const b = levelOf(before, p);
    const a = levelOf(after, p);
    if (a !== b) out.push({ permission: p, before: b, after: a });
  }
  return out;
}

/**
 * Merge a patch into a matrix for bulk "merge" edits: every key PRESENT in
 * `patch` wins (an explicit `'none'` in the patch lowers the item to none);
 * keys absent from the patch keep the base level. Use "replace" semantics by
 * simply storing the patch instead.
 *
 * @example
 * ```ts
 * mergeMatrix({ 'build.flows': 'edit', 'build.sms': 'read' }, { 'build.sms': 'none' }); // { 'build.flows': 'edit' }
 * ```
 */
export function mergeMatrix(base: Matrix, patch: Matrix): Matrix {
  const out: Matrix = { ...base };
  for (const p of PERMISSIONS) {
    const l = patch[p];
    if (l !== undefined && isLevel(l)) out[p] = l;
  }
  return normalizeMatrix(out);
}

/**
 * Whether `a` grants at least as much as `b` on every item.
 *
 * @example
 * ```ts
 * matrixCovers({ 'build.flows': 'edit' }, { 'build.flows': 'read' }); // true
 * ```
 */
export function matrixCovers(a: Matrix, b: Matrix): boolean {
  for (const p of PERMISSIONS) if (levelRank(levelOf(a, p)) < levelRank(levelOf(b, p))) return false;
  return true;
}

/**
 * The wire form of a matrix: keys are area names (`"build"`) and/or
 * permission names (`"build.knowledge"`), values are levels. Areas are
 * applied first (never touching sensitive items), then items.
 */
export type MatrixInput = Record<string, string>;

/** One problem found by {@link parseMatrix}: it names the bad key or value and lists the valid ones. */
export interface MatrixIssue {
  /** The offending key (`''` when the input itself is not an object). */
  key: string;
  /** Human-readable explanation, naming the bad key or value. */
  message: string;
  /** The valid keys (for a bad key) or the valid levels (for a bad value). */
  valid: readonly string[];
}

/** The result of {@link parseMatrix}. */
export type ParseMatrixResult = { ok: true; matrix: Matrix } | { ok: false; issues: MatrixIssue[] };

const VALID_KEYS: readonly string[] = Object.freeze([...AREAS, ...PERMISSIONS]);

/**
 * Parse and validate a {@link MatrixInput} (e.g. an HTTP request body).
 * Area keys are applied first (in catalog order, skipping sensitive items),
 * then item keys, so `{ build: 'read', 'build.knowledge': 'edit' }` means
 * "Build read, Knowledge edit". Every problem is reported, not only the first.
 *
 * @example
 * ```ts
 * parseMatrix({ build: 'read', 'build.knowledge': 'edit' });
 * // { ok: true, matrix: { 'build.agent': 'read', 'build.knowledge': 'edit', … } }
 * parseMatrix({ 'build.knowledg': 'edit' });
 * // { ok: false, issues: [{ key: 'build.knowledg', message: 'unknown area or permission "build.knowledg"', valid: [...] }] }
 * ```
 */
export function parseMatrix(input: unknown): ParseMatrixResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [
        {
          key: '',
          message: 'a matrix must be an object mapping areas or permissions to levels',
          valid: VALID_KEYS,
        },
      ],
    };
  }
  const issues: MatrixIssue[] = [];
  const areas: Array<[Area, Level]> = [];
  const items: Array<[Permission, Level]> = [];
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const keyOk = isArea(key) || isPermission(key);
    if (!keyOk) {
      issues.push({ key, message: `unknown area or permission "${key}"`, valid: VALID_KEYS });
      continue;
    }
    if (!isLevel(value)) {
      issues.push({
        key,
        message: `invalid level ${JSON.stringify(value) ?? String(value)} for "${key}"`,
        valid: LEVELS,
      });
      continue;
    }
    if (isArea(key)) areas.push([key, value]);
    else items.push([key as Permission, value]);
  }
  if (issues.length > 0) return { ok: false, issues };
  areas.sort((a, b) => AREAS.indexOf(a[0]) - AREAS.indexOf(b[0]));
  let m: Matrix = {};
  for (const [area, level] of areas) m = setArea(m, area, level);
  for (const [p, level] of items) m[p] = level;
  return { ok: true, matrix: normalizeMatrix(m) };
}

/**
 * The compact wire form of a matrix: per area, the most common level of its
 * non-sensitive items as an area key (omitted when that is `none`), then item
 * keys for the items that differ from it.
 * `parseMatrix(toMatrixInput(m))` gives back `normalizeMatrix(m)`.
 *
 * @example
 * ```ts
 * toMatrixInput(setItem(setArea({}, 'build', 'read'), 'build.knowledge', 'edit')); // { build: 'read', 'build.knowledge': 'edit' }
 * ```
 */
export function toMatrixInput(m: Matrix): MatrixInput {
  const out: MatrixInput = {};
  for (const area of AREAS) {
    const counts = [0, 0, 0];
    for (const p of permissionsOf(area)) if (!isSensitive(p)) counts[levelRank(levelOf(m, p))]!++;
    let best = 0;
    for (let r = 1; r < 3; r++) if (counts[r]! > counts[best]!) best = r;
    const al = LEVELS[best] as Level;
    if (al !== 'none') out[area] = al;
    for (const p of permissionsOf(area)) {
      const l = levelOf(m, p);
      if (l !== (isSensitive(p) ? 'none' : al)) out[p] = l;
    }
  }
  return out;
}
