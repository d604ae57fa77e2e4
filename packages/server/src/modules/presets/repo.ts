import type { Matrix } from '@atrium/policy';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound, problem } from '../../errors';
import { isUuid } from '../../ids';

/** Every query of the presets module (docs/architecture.md, "Repositories"). */

/** A custom preset row as the module reads it. */
export interface PresetRow {
  id: string;
  name: string;
  description: string;
  version: number;
  matrix: unknown;
  created_at: unknown;
  updated_at: unknown;
}

const COLUMNS = ['id', 'name', 'description', 'version', 'matrix', 'created_at', 'updated_at'] as const;

/** The tables whose grants may link a preset by `preset_id`. */
const LINKING_TABLES = ['workspace_members', 'agent_members', 'api_keys'] as const;

/** The workspace's custom presets, by name. */
export function findPresets(db: Kysely<DB>, workspaceId: string): Promise<PresetRow[]> {
  return db
    .selectFrom('presets')
    .select([...COLUMNS])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

/**
 * One custom preset of the workspace, locked for the rest of the transaction
 * when `lock`; 404 when it does not exist (or the id is not a UUID).
 */
export async function findPreset(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<PresetRow> {
  if (!isUuid(id)) throw notFound('preset');
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

/** A unique-name violation as the API's 409; anything else unchanged. */
function uniqueName(err: unknown): never {
  if (String((err as { code?: string }).code) === '23505') {
    throw problem('conflict', 'A preset with this name already exists in this workspace', {
      errors: [{ path: '/body/name', message: 'is already used by another preset' }],
    });
  }
  throw err;
}

/** Inserts a custom preset at version 1 (409 on a name already used in the workspace). */
export function insertPreset(
  tx: Transaction<DB>,
  workspaceId: string,
  values: { name: string; description: string; matrix: Matrix; createdBy: string | null },
): Promise<PresetRow> {
  return tx
    .insertInto('presets')
    .values({
      workspace_id: workspaceId,
      name: values.name,
      description: values.description,
      matrix: JSON.stringify(values.matrix),
      created_by: values.createdBy,
    })
    .returning([...COLUMNS])
    .executeTakeFirstOrThrow()
    .catch(uniqueName);
}

/** Writes the next version of a custom preset (409 on a name already used in the workspace). */
export function updatePresetRow(
  tx: Transaction<DB>,
  workspaceId: string,
  id: string,
  next: { name: string; description: string; matrix: Matrix },
): Promise<PresetRow> {
  return tx
    .updateTable('presets')
    .set({
      name: next.name,
      description: next.description,
      matrix: JSON.stringify(next.matrix),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning([...COLUMNS])
    .executeTakeFirstOrThrow()
    .catch(uniqueName);
}

/** Keeps a version of a preset in preset_versions (every version is kept: docs/rules.md §2). */
export async function insertVersion(
  tx: Transaction<DB>,
  workspaceId: string,
  row: PresetRow,
  userId: string | null,
): Promise<void> {
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

/** Every kept version of a custom preset, newest first. */
export function findVersions(db: Kysely<DB>, workspaceId: string, presetId: string) {
  return db
    .selectFrom('preset_versions')
    .select(['version', 'name', 'description', 'matrix', 'created_at', 'created_by'])
    .where('workspace_id', '=', workspaceId)
    .where('preset_id', '=', presetId)
    .orderBy('version', 'desc')
    .execute();
}

/** How many grants link a preset, per kind. */
export interface PresetUsage {
  members: number;
  agentMembers: number;
  apiKeys: number;
  invitations: number;
}

/** How many grants link a preset: members, agent members, API keys and pending invitations. */
export async function countPresetUsage(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  presetId: string,
): Promise<PresetUsage> {
  const count = async (table: (typeof LINKING_TABLES)[number]) => {
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
 * Moves every grant linking `fromId` (members, agent members, API keys,
 * pending invitations and their per-agent grants) to `toId`.
 */
export async function reassignPresetLinks(
  tx: Transaction<DB>,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<void> {
  for (const table of [...LINKING_TABLES, 'invitations'] as const) {
    await tx
      .updateTable(table)
      .set({ preset_id: toId })
      .where('workspace_id', '=', workspaceId)
      .where('preset_id', '=', fromId)
      .execute();
  }
  await sql`UPDATE invitations SET agents = (
      SELECT coalesce(jsonb_agg(CASE WHEN e->>'presetId' = ${fromId} THEN jsonb_set(e, '{presetId}', to_jsonb(${toId}::text)) ELSE e END), '[]'::jsonb)
      FROM jsonb_array_elements(agents) e)
    WHERE workspace_id = ${workspaceId} AND status = 'pending'`.execute(tx);
}

/** Deletes a custom preset (its versions go with it). */
export async function deletePresetRow(tx: Transaction<DB>, workspaceId: string, id: string): Promise<void> {
  await tx.deleteFrom('presets').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
