import {
  BUILTIN_PRESET_IDS,
  BUILTIN_PRESETS,
  diffMatrix,
  isBuiltinPresetId,
  type Matrix,
  normalizeMatrix,
} from '@atrium/policy';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';
import { validationFailed } from '../../errors';
import { isoOf } from '../../http/present';
import { countPresetUsage, findPreset, findPresets, findVersions, type PresetRow } from './repo';

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

/** Built-in presets (docs/rules.md §2 table, read-only) followed by the workspace's custom presets. */
export async function listPresets(db: Kysely<DB>, workspaceId: string): Promise<PresetView[]> {
  const rows = await findPresets(db, workspaceId);
  return [...BUILTIN_PRESET_IDS.map(builtinView), ...rows.map(customView)];
}

/** One preset: a built-in id or a custom preset of this workspace (else 404). */
export async function getPreset(
  db: Kysely<DB> | Transaction<DB>,
  workspaceId: string,
  id: string,
): Promise<PresetView> {
  if (isBuiltinPresetId(id)) return builtinView(id);
  return customView(await findPreset(db, workspaceId, id));
}

/** How many grants link a preset: members, agent members, API keys and pending invitations. */
export const presetUsage = countPresetUsage;

/** Every kept version of a preset, newest first (a built-in has its one version). */
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
  await findPreset(db, workspaceId, id);
  const rows = await findVersions(db, workspaceId, id);
  return rows.map((r) => ({
    version: r.version,
    name: r.name,
    description: r.description,
    matrix: normalizeMatrix(r.matrix as Matrix),
    createdAt: isoOf(r.created_at) as string | null,
    createdBy: r.created_by,
  }));
}

/** The per-item difference between two versions of a preset (docs/rules.md §2 "two versions can be compared"). */
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
