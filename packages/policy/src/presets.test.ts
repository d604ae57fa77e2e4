import { describe, expect, it } from 'vitest';
import { AREAS, type Area, areaOf, isSensitive, type Level, PERMISSIONS, type Permission } from './catalog';
import { levelOf } from './matrix';
import { BUILTIN_PRESET_IDS, BUILTIN_PRESETS, type BuiltinPresetId, isBuiltinPresetId } from './presets';

/**
 * docs/rules.md §2's preset table, transcribed independently of presets.ts:
 * per area a default level and per-item overrides (`*` = every other item).
 */
type Cell = [Level, Partial<Record<string, Level>>?];
const TABLE: Record<BuiltinPresetId, Record<Area, Cell>> = {
  content_editor: {
    analytics: ['read'],
    build: ['none', { knowledge: 'edit', tools: 'read' }],
    channels: ['read'],
    configure: ['none'],
    deployments: ['none'],
  },
  qa_analyst: {
    analytics: ['edit'],
    build: ['read'],
    channels: ['read'],
    configure: ['none', { dashboards: 'edit' }],
    deployments: ['read'],
  },
  voice_specialist: {
    analytics: ['read'],
    build: ['read'],
    channels: ['none', { voice: 'edit', chat: 'none' }],
    configure: ['read'],
    deployments: ['read'],
  },
  read_only_reviewer: {
    analytics: ['read'],
    build: ['read'],
    channels: ['read'],
    configure: ['read'],
    deployments: ['read'],
  },
  knowledge_editor: {
    analytics: ['read'],
    build: ['read', { knowledge: 'edit' }],
    channels: ['read'],
    configure: ['none'],
    deployments: ['none'],
  },
  conversation_analyst: {
    analytics: ['read'],
    build: ['none'],
    channels: ['none'],
    configure: ['none', { dashboards: 'read' }],
    deployments: ['none'],
  },
  pii_restricted_analyst: {
    analytics: ['read'],
    build: ['read'],
    channels: ['read'],
    configure: ['read'],
    deployments: ['read'],
  },
  builder: {
    analytics: ['edit'],
    build: ['edit'],
    channels: ['edit'],
    configure: ['edit'],
    deployments: ['read'],
  },
  full_developer: {
    analytics: ['edit'],
    build: ['edit'],
    channels: ['edit'],
    configure: ['read'],
    deployments: ['edit'],
  },
  operations_manager: {
    analytics: ['edit'],
    build: ['read'],
    channels: ['read'],
    configure: ['edit'],
    deployments: ['edit'],
  },
};

function expected(id: BuiltinPresetId, p: Permission): Level {
  if (isSensitive(p)) return 'none';
  const [def, overrides] = TABLE[id][areaOf(p)];
  return overrides?.[p.slice(p.indexOf('.') + 1)] ?? def;
}

describe('built-in presets', () => {
  it('are the ten of docs/rules.md §2', () => {
    expect(Object.keys(BUILTIN_PRESETS)).toEqual([...BUILTIN_PRESET_IDS]);
    expect(BUILTIN_PRESET_IDS).toHaveLength(10);
    for (const id of BUILTIN_PRESET_IDS) {
      expect(BUILTIN_PRESETS[id].id).toBe(id);
      expect(BUILTIN_PRESETS[id].name).toBeTruthy();
      expect(BUILTIN_PRESETS[id].description).toBeTruthy();
    }
    expect(AREAS).toHaveLength(5);
  });

  for (const id of BUILTIN_PRESET_IDS) {
    it(`${id} matches its table row item by item`, () => {
      for (const p of PERMISSIONS)
        expect([p, levelOf(BUILTIN_PRESETS[id].matrix, p)]).toEqual([p, expected(id, p)]);
    });
  }

  it('give none on the sensitive items in every preset', () => {
    for (const id of BUILTIN_PRESET_IDS) {
      expect(levelOf(BUILTIN_PRESETS[id].matrix, 'analytics.conversation_pii')).toBe('none');
      expect(levelOf(BUILTIN_PRESETS[id].matrix, 'analytics.call_download')).toBe('none');
    }
  });

  it('builder reads deployments (cannot publish)', () => {
    expect(levelOf(BUILTIN_PRESETS.builder.matrix, 'deployments.environments')).toBe('read');
  });

  it('are frozen and stored normalized (no none entries)', () => {
    for (const id of BUILTIN_PRESET_IDS) {
      expect(Object.isFrozen(BUILTIN_PRESETS[id].matrix)).toBe(true);
      expect(Object.values(BUILTIN_PRESETS[id].matrix)).not.toContain('none');
    }
  });

  it('isBuiltinPresetId accepts exactly the ten ids', () => {
    for (const id of BUILTIN_PRESET_IDS) expect(isBuiltinPresetId(id)).toBe(true);
    for (const x of ['Builder', 'custom-1', 'toString', '__proto__', null, 3])
      expect(isBuiltinPresetId(x)).toBe(false);
  });
});
