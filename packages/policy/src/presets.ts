/**
 * The ten built-in presets of docs/rules.md §2 (read-only, copyable into custom ones).
 * Sensitive items are `none` in every one of them.
 *
 * @module
 */

import type { Area, Level, Permission } from './catalog';
import { type Matrix, setArea, setItem } from './matrix';

/** The ids of the built-in presets, in the order of docs/rules.md §2. */
export const BUILTIN_PRESET_IDS = [
  'content_editor',
  'qa_analyst',
  'voice_specialist',
  'read_only_reviewer',
  'knowledge_editor',
  'conversation_analyst',
  'pii_restricted_analyst',
  'builder',
  'full_developer',
  'operations_manager',
] as const;

/** The id of a built-in preset. */
export type BuiltinPresetId = (typeof BUILTIN_PRESET_IDS)[number];

/** A preset: a named, reusable matrix. */
export interface Preset<Id extends string = string> {
  /** Stable id (built-in ids are snake_case words; custom ids are opaque). */
  readonly id: Id;
  /** Display name. */
  readonly name: string;
  /** What the preset is for. */
  readonly description: string;
  /** The matrix it grants. */
  readonly matrix: Readonly<Matrix>;
}

type AreaSpec = Level | ({ '*': Level } & Partial<Record<string, Level>>);

/** Build a matrix from a row of the presets table (docs/rules.md §2): area level, or `{ '*': level, item: level }`. */
function row(spec: Record<Area, AreaSpec>): Readonly<Matrix> {
  let m: Matrix = {};
  for (const [area, s] of Object.entries(spec) as Array<[Area, AreaSpec]>) {
    if (typeof s === 'string') {
      m = setArea(m, area, s);
      continue;
    }
    m = setArea(m, area, s['*']);
    for (const [item, level] of Object.entries(s)) {
      if (item !== '*' && level) m = setItem(m, `${area}.${item}` as Permission, level);
    }
  }
  return Object.freeze(m);
}

function preset<Id extends BuiltinPresetId>(
  id: Id,
  name: string,
  description: string,
  spec: Record<Area, AreaSpec>,
): Preset<Id> {
  return Object.freeze({ id, name, description, matrix: row(spec) });
}

/**
 * The built-in presets, keyed by id. Each matrix is exactly the docs/rules.md §2 row
 * (sensitive items `none` everywhere; `builder` has deployments `read`: it
 * cannot publish).
 *
 * @example
 * ```ts
 * BUILTIN_PRESETS.knowledge_editor.matrix['build.knowledge']; // 'edit'
 * ```
 */
export const BUILTIN_PRESETS: Readonly<{ [K in BuiltinPresetId]: Preset<K> }> = Object.freeze({
  content_editor: preset(
    'content_editor',
    'Content editor',
    'Edits the knowledge base; reads analytics and channels.',
    {
      analytics: 'read',
      build: { '*': 'none', knowledge: 'edit', tools: 'read' },
      channels: 'read',
      configure: 'none',
      deployments: 'none',
    },
  ),
  qa_analyst: preset(
    'qa_analyst',
    'QA analyst',
    'Reviews quality: edits analytics and dashboards, reads the build.',
    {
      analytics: 'edit',
      build: 'read',
      channels: 'read',
      configure: { '*': 'none', dashboards: 'edit' },
      deployments: 'read',
    },
  ),
  voice_specialist: preset(
    'voice_specialist',
    'Voice specialist',
    'Configures the voice channel; reads the rest.',
    {
      analytics: 'read',
      build: 'read',
      channels: { '*': 'none', voice: 'edit', chat: 'none' },
      configure: 'read',
      deployments: 'read',
    },
  ),
  read_only_reviewer: preset(
    'read_only_reviewer',
    'Read-only reviewer',
    'Reads everything, changes nothing.',
    {
      analytics: 'read',
      build: 'read',
      channels: 'read',
      configure: 'read',
      deployments: 'read',
    },
  ),
  knowledge_editor: preset(
    'knowledge_editor',
    'Knowledge editor',
    'Edits knowledge; reads the rest of the build.',
    {
      analytics: 'read',
      build: { '*': 'read', knowledge: 'edit' },
      channels: 'read',
      configure: 'none',
      deployments: 'none',
    },
  ),
  conversation_analyst: preset(
    'conversation_analyst',
    'Conversation analyst',
    'Reads analytics (without personal data or recordings) and dashboards.',
    {
      analytics: { '*': 'read', conversation_pii: 'none', call_download: 'none' },
      build: 'none',
      channels: 'none',
      configure: { '*': 'none', dashboards: 'read' },
      deployments: 'none',
    },
  ),
  pii_restricted_analyst: preset(
    'pii_restricted_analyst',
    'PII-restricted analyst',
    'Reads everything except personal data and recordings.',
    {
      analytics: { '*': 'read', conversation_pii: 'none', call_download: 'none' },
      build: 'read',
      channels: 'read',
      configure: 'read',
      deployments: 'read',
    },
  ),
  builder: preset('builder', 'Builder', 'Builds and configures agents; cannot publish.', {
    analytics: 'edit',
    build: 'edit',
    channels: 'edit',
    configure: 'edit',
    deployments: 'read',
  }),
  full_developer: preset('full_developer', 'Full developer', 'Builds and publishes; reads configuration.', {
    analytics: 'edit',
    build: 'edit',
    channels: 'edit',
    configure: 'read',
    deployments: 'edit',
  }),
  operations_manager: preset(
    'operations_manager',
    'Operations manager',
    'Runs operations: analytics, configuration and deployments.',
    {
      analytics: 'edit',
      build: 'read',
      channels: 'read',
      configure: 'edit',
      deployments: 'edit',
    },
  ),
});

/**
 * Type guard for {@link BuiltinPresetId}.
 *
 * @example
 * ```ts
 * isBuiltinPresetId('builder'); // true
 * ```
 */
export function isBuiltinPresetId(x: unknown): x is BuiltinPresetId {
  return typeof x === 'string' && Object.hasOwn(BUILTIN_PRESETS, x);
}
