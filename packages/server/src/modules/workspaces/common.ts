import {
  AGENT_CAPABILITIES,
  CAPABILITIES,
  type Capability,
  diffMatrix,
  effectiveMatrix,
  type Grant,
  hasCapability,
  isBuiltinPresetId,
  levelOf,
  levelRank,
  type Matrix,
  type MatrixChange,
  normalizeMatrix,
  PERMISSIONS,
  parseMatrix,
  resolveGrant,
  type Subject,
  type WorkspaceState,
} from '@atrium/policy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import { permissionDiff } from '../../audit/diff';
import type { RequestOrigin } from '../../audit/record';
import { type Actor, actorOf } from '../../auth/principal';
import { originOf } from '../../command/http';
import type { DB, MatrixJson } from '../../db/schema';
import { type FieldIssue, notFound, problem, validationFailed } from '../../errors';

/**
 * Helpers shared by the workspace-access modules (workspaces, members, agents,
 * presets, policies, invitations). Nothing here decides access by itself:
 * every answer comes from the permission engine (`@atrium/policy`).
 */

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws 404 for an id that cannot exist (not a UUID), before it reaches SQL. */
export function requireUuid(id: string, what: string): string {
  if (!UUID_RE.test(id)) throw notFound(what);
  return id;
}

/** Who acted and from where, for `recordActivity`. */
export interface WriteContext {
  actor: Actor;
  origin: RequestOrigin;
}

/** The activity context of a request. */
export function writeContext(req: FastifyRequest): WriteContext {
  return { actor: actorOf(req.principal), origin: originOf(req) };
}

/**
 * Runs `fn` in one transaction (SPEC: every mutation is one transaction with
 * its activity entry and revision bump).
 */
export function inTransaction<T>(db: Kysely<DB>, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/**
 * Locks the workspace row for the rest of the transaction. Writes that check
 * an invariant across rows (the last admin, one pending invitation per
 * target) take it first so two concurrent requests cannot both pass the check.
 */
export async function lockWorkspace(tx: Transaction<DB>, workspaceId: string): Promise<void> {
  const row = await sql<{
    id: string;
  }>`SELECT id FROM workspaces WHERE id = ${workspaceId} FOR UPDATE`.execute(tx);
  if (row.rows.length === 0) throw notFound('workspace');
}

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
 * "Nobody grants what they do not hold" (SPEC §4): every item of `granted`
 * must be at most the level the actor has themselves — workspace-wide when
 * `agentId` is null, on that agent otherwise (an agent admin has edit on
 * every item of their agent, capped by the workspace's policies). Workspace
 * admins hold everything. Throws 403 naming the items over the limit.
 */
export function assertWithinOwnGrant(
  state: WorkspaceState,
  actor: Subject,
  agentId: string | null,
  granted: Matrix,
): void {
  const own = effectiveMatrix(state, actor, agentId);
  const over = PERMISSIONS.filter((p) => levelRank(levelOf(granted, p)) > levelRank(levelOf(own, p)));
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

/** Requires a typed confirmation (SPEC §4 "Deleting asks the person to type its email or name"). */
export function requireConfirmation(given: string | undefined, expected: string, what: string): void {
  if ((given ?? '').trim() !== expected) {
    throw problem('confirmation_mismatch', `Type the ${what} exactly to confirm`, {
      errors: [{ path: '/body/confirm', message: `must equal the ${what}` }],
    });
  }
}

/** The grant of a stored row as the API shows it: the matrix in per-item form, or the linked preset. */
export function presentGrant(row: { matrix: unknown; preset_id: string | null }) {
  return {
    matrix: row.preset_id ? null : ((row.matrix as MatrixJson | null) ?? null),
    presetId: row.preset_id,
  };
}

/**
 * A timestamp column as ISO 8601. (The schema's `Generated<Timestamp>`
 * columns read back as `Date` at run time; their static type is wider.)
 */
export function isoOf(value: unknown): string {
  return new Date(value as string | Date).toISOString();
}

/**
 * After an access write, makes this instance's access cache know the new
 * revision before the answer leaves, so a check the caller makes next on
 * this instance includes the write even before the revision NOTIFY arrives
 * (SPEC §3 "Changes take effect immediately"). Registered by each of the
 * workspace-access route plugins; it looks at write answers carrying
 * `revision` (and `workspaceId` outside a workspace route).
 */
export function settleRevisions(app: FastifyInstance): void {
  app.addHook('preSerialization', async (req, _reply, payload) => {
    const body = payload as { revision?: unknown; workspaceId?: unknown } | null;
    if (
      req.method === 'GET' ||
      body === null ||
      typeof body !== 'object' ||
      typeof body.revision !== 'number'
    ) {
      return payload;
    }
    const workspaceId =
      req.scope?.workspaceId ?? (typeof body.workspaceId === 'string' ? body.workspaceId : null);
    if (workspaceId) await app.accessState.get(workspaceId, body.revision);
    return payload;
  });
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
