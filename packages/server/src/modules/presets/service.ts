import {
  BUILTIN_PRESET_IDS,
  BUILTIN_PRESETS,
  diffMatrix,
  isBuiltinPresetId,
  type Matrix,
  normalizeMatrix,
  type WorkspaceState,
} from '@atrium/policy';
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordActivity } from '../../audit/record';
import { bumpRevision } from '../../command/revision';
import type { DB, MatrixJson } from '../../db/schema';
import { notFound, problem, validationFailed } from '../../errors';
import {
  describeChanges,
  inTransaction,
  isoOf,
  parseGrant,
  UUID_RE,
  type WriteContext,
} from '../workspaces/common';

/** A preset as the API shows it: built-in (read-only) or custom (versioned). */
export interface PresetView {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  version: number;
  matrix: Matrix;
  createdAt: string | null;
  updatedAt: string | null;
}

function builtinView(id: keyof typeof BUILTIN_PRESETS): PresetView {
  const p = BUILTIN_PRESETS[id];
  return {
    id,
    name: p.name,
    description: p.description,
    builtin: true,
    version: 1,
    matrix: normalizeMatrix(p.matrix),
    createdAt: null,
    updatedAt: null,
  };
}

type PresetRow = {
  id: string;
  name: string;
  description: string;
  version: number;
  matrix: unknown;
  created_at: unknown;
  updated_at: unknown;
};

function customView(row: PresetRow): PresetView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtin: false,
    version: row.version,
    matrix: normalizeMatrix(row.matrix as Matrix),
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
  };
}

const COLUMNS = ['id', 'name', 'description', 'version', 'matrix', 'created_at', 'updated_at'] as const;

/** Built-in presets (SPEC §2 table, read-only) followed by the workspace's custom presets. */
export async function listPresets(db: Kysely<DB>, workspaceId: string): Promise<PresetView[]> {
  const rows = await db
    .selectFrom('presets')
    .select([...COLUMNS])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
  return [...BUILTIN_PRESET_IDS.map(builtinView), ...rows.map(customView)];
}

async function customRow(db: Kysely<DB> | Transaction<DB>, workspaceId: string, id: string, lock = false) {
  if (!UUID_RE.test(id)) throw notFound('preset');
  let qb = db
    .selectFrom('presets')
    .select([...COLUMNS])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (lock) qb = qb.forUpdate();
  const row = await qb.executeTakeFirst();
  if (!row) throw notFound('preset');
  return row;
}

/** One preset: a built-in id or a custom preset of this workspace (else 404). */
export async function getPreset(db: Kysely<DB>, workspaceId: string, id: string): Promise<PresetView> {
  if (isBuiltinPresetId(id)) return builtinView(id);
  return customView(await customRow(db, workspaceId, id));
}

function refuseBuiltin(id: string): void {
  if (isBuiltinPresetId(id)) {
    throw problem(
      'forbidden',
      'Built-in presets are read-only: create a custom preset with copyFrom instead',
    );
  }
}

async function insertVersion(
  tx: Transaction<DB>,
  workspaceId: string,
  row: PresetRow,
  userId: string | null,
) {
  await tx
    .insertInto('preset_versions')
    .values({
      preset_id: row.id,
      workspace_id: workspaceId,
      version: row.version,
      name: row.name,
      description: row.description,
      matrix: JSON.stringify(row.matrix),
      created_by: userId,
    })
    .execute();
}

function uniqueName(err: unknown): never {
  if (String((err as { code?: string }).code) === '23505') {
    throw problem('conflict', 'A preset with this name already exists in this workspace', {
      errors: [{ path: '/body/name', message: 'is already used by another preset' }],
    });
  }
  throw err;
}

/**
 * Creates a custom preset (workspace.manage) from a matrix, or as a copy of a
 * built-in or custom preset (`copyFrom`). Version 1 is kept in
 * preset_versions like every later version (SPEC §2).
 */
export async function createPreset(
  db: Kysely<DB>,
  state: WorkspaceState,
  input: { name: string; description?: string; matrix?: Record<string, string>; copyFrom?: string },
  ctx: WriteContext,
): Promise<{ id: string; revision: number }> {
  if ((input.matrix === undefined) === (input.copyFrom === undefined)) {
    throw validationFailed([{ path: '/body/matrix', message: 'send exactly one of matrix or copyFrom' }]);
  }
  let matrix: Matrix;
  let description = input.description;
  if (input.copyFrom !== undefined) {
    const source = await getPreset(db, state.workspaceId, input.copyFrom).catch(() => {
      throw validationFailed([{ path: '/body/copyFrom', message: `no preset "${input.copyFrom}"` }]);
    });
    matrix = source.matrix;
    description ??= source.description;
  } else {
    matrix = (parseGrant(state, { matrix: input.matrix })?.matrix ?? {}) as Matrix;
  }
  const userId = ctx.actor.type === 'user' ? ctx.actor.id : null;
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto('presets')
      .values({
        workspace_id: state.workspaceId,
        name: input.name,
        description: description ?? '',
        matrix: JSON.stringify(matrix),
        created_by: userId,
      })
      .returning([...COLUMNS])
      .executeTakeFirstOrThrow()
      .catch(uniqueName);
    await insertVersion(tx, state.workspaceId, row, userId);
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'preset.created',
      target: { type: 'preset', id: row.id },
      after: { name: row.name, copyFrom: input.copyFrom ?? null, matrix },
      origin: ctx.origin,
    });
    return { id: row.id, revision: await bumpRevision(tx, state.workspaceId) };
  });
}

/** How many grants link a preset: members, agent members, API keys and pending invitations. */
export async function presetUsage(db: Kysely<DB> | Transaction<DB>, workspaceId: string, presetId: string) {
  const count = async (table: 'workspace_members' | 'agent_members' | 'api_keys') => {
    const r = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('preset_id', '=', presetId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  const inv = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'pending')
    .where((eb) =>
      eb.or([
        eb('preset_id', '=', presetId),
        eb(sql<boolean>`agents @> ${JSON.stringify([{ presetId }])}::jsonb`, '=', true),
      ]),
    )
    .executeTakeFirstOrThrow();
  return {
    members: await count('workspace_members'),
    agentMembers: await count('agent_members'),
    apiKeys: await count('api_keys'),
    invitations: Number(inv.n),
  };
}

/**
 * Edits a custom preset: bumps its version, keeps the new version, and —
 * because members link presets rather than copy them — changes every linked
 * member at once (SPEC §2), which is why the revision is bumped.
 */
export async function updatePreset(
  db: Kysely<DB>,
  state: WorkspaceState,
  id: string,
  patch: { name?: string; description?: string; matrix?: Record<string, string> },
  ctx: WriteContext,
) {
  refuseBuiltin(id);
  const matrix =
    patch.matrix !== undefined
      ? ((parseGrant(state, { matrix: patch.matrix })?.matrix ?? {}) as Matrix)
      : undefined;
  const userId = ctx.actor.type === 'user' ? ctx.actor.id : null;
  return inTransaction(db, async (tx) => {
    const before = await customRow(tx, state.workspaceId, id, true);
    const next = {
      name: patch.name ?? before.name,
      description: patch.description ?? before.description,
      matrix: matrix ?? (before.matrix as Matrix),
    };
    const changes = describeChanges(diffMatrix(before.matrix as Matrix, next.matrix));
    if (next.name === before.name && next.description === before.description && changes.length === 0) {
      return { revision: state.revision, changes, linked: await presetUsage(tx, state.workspaceId, id) };
    }
    const row = await tx
      .updateTable('presets')
      .set({
        name: next.name,
        description: next.description,
        matrix: JSON.stringify(next.matrix),
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returning([...COLUMNS])
      .executeTakeFirstOrThrow()
      .catch(uniqueName);
    await insertVersion(tx, state.workspaceId, row, userId);
    const linked = await presetUsage(tx, state.workspaceId, id);
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'preset.updated',
      target: { type: 'preset', id },
      before: { name: before.name, version: before.version },
      after: { name: row.name, version: row.version, changes, linked },
      origin: ctx.origin,
    });
    return { revision: await bumpRevision(tx, state.workspaceId), changes, linked };
  });
}

/** Every kept version of a custom preset, newest first. */
export async function listVersions(db: Kysely<DB>, workspaceId: string, id: string) {
  if (isBuiltinPresetId(id))
    return [
      {
        version: 1,
        name: BUILTIN_PRESETS[id].name,
        description: BUILTIN_PRESETS[id].description,
        matrix: normalizeMatrix(BUILTIN_PRESETS[id].matrix),
        createdAt: null,
        createdBy: null,
      },
    ];
  await customRow(db, workspaceId, id);
  const rows = await db
    .selectFrom('preset_versions')
    .select(['version', 'name', 'description', 'matrix', 'created_at', 'created_by'])
    .where('workspace_id', '=', workspaceId)
    .where('preset_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    name: r.name,
    description: r.description,
    matrix: normalizeMatrix(r.matrix as Matrix),
    createdAt: isoOf(r.created_at) as string | null,
    createdBy: r.created_by,
  }));
}

/** The per-item difference between two versions of a preset (SPEC §2 "two versions can be compared"). */
export async function compareVersions(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  from: number,
  to: number,
) {
  const versions = await listVersions(db, workspaceId, id);
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (!a) throw validationFailed([{ path: '/querystring/from', message: `no version ${from}` }]);
  if (!b) throw validationFailed([{ path: '/querystring/to', message: `no version ${to}` }]);
  return {
    presetId: id,
    from,
    to,
    name: { before: a.name, after: b.name },
    changes: diffMatrix(a.matrix, b.matrix),
  };
}

/**
 * Deletes a custom preset. A preset still linked by members, agent members,
 * API keys or pending invitations answers 409 `conflict` with the counts,
 * unless `reassignTo` names the preset (built-in or custom) they move to.
 */
export async function deletePreset(
  db: Kysely<DB>,
  state: WorkspaceState,
  id: string,
  reassignTo: string | undefined,
  ctx: WriteContext,
) {
  refuseBuiltin(id);
  if (
    reassignTo !== undefined &&
    (reassignTo === id || (!isBuiltinPresetId(reassignTo) && !state.presets.has(reassignTo)))
  ) {
    throw validationFailed([{ path: '/querystring/reassignTo', message: `no other preset "${reassignTo}"` }]);
  }
  return inTransaction(db, async (tx) => {
    const before = await customRow(tx, state.workspaceId, id, true);
    const usage = await presetUsage(tx, state.workspaceId, id);
    const total = usage.members + usage.agentMembers + usage.apiKeys + usage.invitations;
    if (total > 0 && reassignTo === undefined) {
      throw problem(
        'conflict',
        `This preset is in use (${usage.members} members, ${usage.agentMembers} agent members, ${usage.apiKeys} API keys, ${usage.invitations} pending invitations): send reassignTo`,
        { usage },
      );
    }
    if (total > 0 && reassignTo !== undefined) {
      for (const table of ['workspace_members', 'agent_members', 'api_keys', 'invitations'] as const) {
        await tx
          .updateTable(table)
          .set({ preset_id: reassignTo })
          .where('workspace_id', '=', state.workspaceId)
          .where('preset_id', '=', id)
          .execute();
      }
      await sql`UPDATE invitations SET agents = (
          SELECT coalesce(jsonb_agg(CASE WHEN e->>'presetId' = ${id} THEN jsonb_set(e, '{presetId}', to_jsonb(${reassignTo}::text)) ELSE e END), '[]'::jsonb)
          FROM jsonb_array_elements(agents) e)
        WHERE workspace_id = ${state.workspaceId} AND status = 'pending'`.execute(tx);
    }
    await tx
      .deleteFrom('presets')
      .where('workspace_id', '=', state.workspaceId)
      .where('id', '=', id)
      .execute();
    await recordActivity(tx, {
      workspaceId: state.workspaceId,
      actor: ctx.actor,
      action: 'preset.deleted',
      target: { type: 'preset', id },
      before: { name: before.name, version: before.version, usage },
      after: reassignTo ? { reassignedTo: reassignTo } : null,
      origin: ctx.origin,
    });
    return {
      deleted: true as const,
      reassignedTo: reassignTo ?? null,
      usage,
      revision: await bumpRevision(tx, state.workspaceId),
    };
  });
}

export type { MatrixJson };
