import {
  AGENT_CAPABILITIES,
  CAPABILITIES,
  type Capability,
  diffMatrix,
  type Grant,
  grantExcess,
  hasCapability,
  isBuiltinPresetId,
  type Matrix,
  type MatrixChange,
  normalizeMatrix,
  parseMatrix,
  resolveGrant,
  type Subject,
  type WorkspaceState,
} from '@atrium/policy';
import { permissionDiff } from '../../audit/diff';
import type { MatrixJson } from '../../db/schema';
import { type FieldIssue, problem, validationFailed } from '../../errors';

/**
 * Grants as the workspace-access modules (members, agents, presets,
 * invitations, API keys) read, check, store, log and present them. Nothing
 * here decides access by itself: every answer comes from the permission
 * engine (`@atrium/policy`).
 */

/** A grant as it arrives in a request body: a matrix (wire form) or a preset id, never both. */
export interface GrantInput {
  matrix?: Record<string, string> | null;
  presetId?: string | null;
}

/** A validated grant, ready to store (`matrix` normalised, or `presetId`). */
export interface StoredGrant {
  matrix: MatrixJson | null;
  presetId: string | null;
}

/**
 * Validates a grant from a request body: `matrix` through the engine's
 * `parseMatrix` (unknown keys and levels are named), `presetId` must be a
 * built-in preset or one of this workspace's custom presets. Returns null
 * when neither field is present (no change). `pathPrefix` is the JSON
 * pointer of the object holding the fields, e.g. `/body` or `/body/agents/0`.
 */
export function parseGrant(
  state: WorkspaceState,
  input: GrantInput,
  pathPrefix = '/body',
): StoredGrant | null {
  const hasMatrix = input.matrix !== undefined && input.matrix !== null;
  const hasPreset = input.presetId !== undefined && input.presetId !== null;
  if (hasMatrix && hasPreset) {
    throw validationFailed(
      [{ path: `${pathPrefix}/presetId`, message: 'send either matrix or presetId, not both' }],
      'A grant is either a matrix or a linked preset, not both',
    );
  }
  if (hasPreset) {
    const presetId = input.presetId as string;
    if (!isBuiltinPresetId(presetId) && !state.presets.has(presetId)) {
      throw validationFailed([{ path: `${pathPrefix}/presetId`, message: `no preset "${presetId}"` }]);
    }
    return { matrix: null, presetId };
  }
  if (hasMatrix) {
    const parsed = parseMatrix(input.matrix);
    if (!parsed.ok) {
      const issues: FieldIssue[] = parsed.issues.map((i) => ({
        path: `${pathPrefix}/matrix${i.key ? `/${i.key}` : ''}`,
        message: i.message,
        valid: i.valid.length <= 30 ? i.valid : undefined,
      }));
      throw validationFailed(issues);
    }
    return { matrix: parsed.matrix as MatrixJson, presetId: null };
  }
  if (input.matrix === null || input.presetId === null) return { matrix: null, presetId: null };
  return null;
}

/** The matrix a stored grant gives in this workspace (a linked preset resolved). */
export function grantMatrix(state: WorkspaceState, grant: StoredGrant | Grant | null): Matrix {
  return normalizeMatrix(
    resolveGrant(state, grant ? { matrix: grant.matrix as Matrix | null, presetId: grant.presetId } : null),
  );
}

/**
 * "Nobody grants what they do not hold" (docs/rules.md §4), the engine's
 * `grantExcess`: throws 403 naming the items of `granted` above the level
 * the actor holds (workspace-wide when `agentId` is null, on that agent
 * otherwise). The console greys out the same levels with `grantableLevels`.
 */
export function assertWithinOwnGrant(
  state: WorkspaceState,
  actor: Subject,
  agentId: string | null,
  granted: Matrix,
): void {
  const over = grantExcess(state, actor, agentId, granted);
  if (over.length > 0) {
    throw problem('forbidden', `You cannot grant more than you hold: ${over.join(', ')}`, {
      permissions: over,
    });
  }
}

/** A matrix difference as activity-log lines: `build.knowledge: read → edit`. */
export function describeChanges(changes: readonly MatrixChange[]): string[] {
  return changes.map((c) => `${c.permission}: ${c.before} → ${c.after}`);
}

/** The per-item difference between two grants, as activity-log lines. */
export function grantDiff(
  state: WorkspaceState,
  before: StoredGrant | Grant | null,
  after: StoredGrant | Grant | null,
) {
  return describeChanges(diffMatrix(grantMatrix(state, before), grantMatrix(state, after)));
}

/**
 * The `can` block a presenter returns with a resource (ARCHITECTURE
 * convention 5): every capability the caller holds, computed by the engine's
 * `hasCapability`, so the console hides what it cannot do without
 * re-deriving rules. Agent capabilities appear when `agentId` is given.
 */
export function canBlock(
  state: WorkspaceState,
  subject: Subject,
  agentId?: string | null,
): Record<Capability, boolean> {
  const out = {} as Record<Capability, boolean>;
  for (const cap of CAPABILITIES) {
    if (!agentId && AGENT_CAPABILITIES.includes(cap)) continue;
    out[cap] = hasCapability(state, subject, cap, agentId);
  }
  return out;
}

/** The grant of a stored row as the API shows it: the matrix in per-item form, or the linked preset. */
export function presentGrant(row: { matrix: unknown; preset_id: string | null }) {
  return {
    matrix: row.preset_id ? null : ((row.matrix as MatrixJson | null) ?? null),
    presetId: row.preset_id,
  };
}

/**
 * The `before`/`after` of a `permissions.updated` entry, in the activity
 * log's convention (docs/activity.md): only the changed items, plus the
 * readable lines (`build.knowledge: read → edit`) and the preset links.
 */
export function grantActivity(
  state: WorkspaceState,
  before: StoredGrant | Grant | null,
  after: StoredGrant | Grant | null,
) {
  const d = permissionDiff(grantMatrix(state, before), grantMatrix(state, after));
  return {
    before: { presetId: before?.presetId ?? null, permissions: d.before },
    after: { presetId: after?.presetId ?? null, permissions: d.after, changes: d.changes },
  };
}
