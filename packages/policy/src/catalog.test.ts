import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AREAS,
  areaOf,
  atLeast,
  CATALOG,
  CATALOG_LABELS,
  isArea,
  isLevel,
  isPermission,
  isSensitive,
  LEVELS,
  type Level,
  levelOfRank,
  levelRank,
  maxLevel,
  minLevel,
  PERMISSIONS,
  type Permission,
  permissionIndex,
  permissionsOf,
  SENSITIVE_PERMISSIONS,
} from './catalog';

describe('levels', () => {
  it('are ordered none < read < edit', () => {
    expect(LEVELS).toEqual(['none', 'read', 'edit']);
    expect(LEVELS.map(levelRank)).toEqual([0, 1, 2]);
    expect(([0, 1, 2] as const).map(levelOfRank)).toEqual(['none', 'read', 'edit']);
  });

  it('max, min and atLeast follow the order', () => {
    for (const a of LEVELS) {
      for (const b of LEVELS) {
        expect(levelRank(maxLevel(a, b))).toBe(Math.max(levelRank(a), levelRank(b)));
        expect(levelRank(minLevel(a, b))).toBe(Math.min(levelRank(a), levelRank(b)));
        expect(atLeast(a, b)).toBe(levelRank(a) >= levelRank(b));
      }
    }
  });

  it('isLevel accepts exactly the three levels', () => {
    for (const l of LEVELS) expect(isLevel(l)).toBe(true);
    for (const x of ['None', 'admin', '', null, undefined, 1, {}]) expect(isLevel(x)).toBe(false);
  });

  it('ranks anything that is not a level as none (corrupt data never grants)', () => {
    expect(levelRank('owner' as Level)).toBe(0);
  });
});

describe('catalog', () => {
  it('is exactly docs/rules.md §2, in order', () => {
    expect(AREAS).toEqual(['analytics', 'build', 'channels', 'configure', 'deployments']);
    expect(CATALOG.analytics).toEqual([
      'smart_analyst',
      'conversations',
      'conversation_pii',
      'call_download',
      'agent_analysis',
      'feedback',
    ]);
    expect(CATALOG.build).toEqual([
      'agent',
      'knowledge',
      'flows',
      'tools',
      'variants',
      'call_handoffs',
      'sms',
      'realtime_config',
      'config_builder',
      'test_suite',
    ]);
    expect(CATALOG.channels).toEqual(['voice', 'chat']);
    expect(CATALOG.configure).toEqual([
      'general',
      'numbers',
      'apis',
      'integrations',
      'metrics',
      'dashboards',
      'csat',
      'security',
    ]);
    expect(CATALOG.deployments).toEqual(['environments', 'history']);
    expect(PERMISSIONS).toHaveLength(28);
    expect(PERMISSIONS[0]).toBe('analytics.smart_analyst');
    expect(PERMISSIONS[27]).toBe('deployments.history');
  });

  it('permissionIndex is the position in PERMISSIONS', () => {
    for (const [i, p] of PERMISSIONS.entries()) expect(permissionIndex(p)).toBe(i);
    expect(permissionIndex('nope' as Permission)).toBe(-1);
    expect(permissionIndex('__proto__' as Permission)).toBe(-1);
  });

  it('guards accept exactly the catalog', () => {
    for (const p of PERMISSIONS) expect(isPermission(p)).toBe(true);
    for (const x of [
      'build.knowledg',
      'build',
      'knowledge',
      'toString',
      '__proto__',
      'constructor',
      1,
      null,
    ]) {
      expect(isPermission(x)).toBe(false);
    }
    for (const a of AREAS) expect(isArea(a)).toBe(true);
    for (const x of ['Build', 'build.knowledge', 'toString', 'hasOwnProperty', undefined])
      expect(isArea(x)).toBe(false);
  });

  it('knows the sensitive items, each area and its permissions', () => {
    expect(SENSITIVE_PERMISSIONS).toEqual(['analytics.conversation_pii', 'analytics.call_download']);
    expect(PERMISSIONS.filter(isSensitive)).toEqual([...SENSITIVE_PERMISSIONS]);
    expect(permissionsOf('channels')).toEqual(['channels.voice', 'channels.chat']);
    expect(AREAS.flatMap(permissionsOf)).toEqual(PERMISSIONS);
    for (const p of PERMISSIONS) expect(permissionsOf(areaOf(p))).toContain(p);
  });

  it('has a label and a description for every area and item', () => {
    for (const a of AREAS) expect(CATALOG_LABELS.areas[a].label).toBeTruthy();
    for (const p of PERMISSIONS) {
      expect(CATALOG_LABELS.items[p].label).toBeTruthy();
      expect(CATALOG_LABELS.items[p].description).toBeTruthy();
    }
    expect(Object.keys(CATALOG_LABELS.items)).toEqual(PERMISSIONS);
  });

  it('rejects typos at compile time', () => {
    const ok: Permission = 'build.knowledge';
    // @ts-expect-error 'build.knowledg' is not a permission
    const typo: Permission = 'build.knowledg';
    // @ts-expect-error an area alone is not a permission
    const area: Permission = 'build';
    // @ts-expect-error an item of another area is not a permission
    const wrongArea: Permission = 'channels.knowledge';
    expect([ok, typo, area, wrongArea]).toHaveLength(4);
    expectTypeOf<'analytics.conversation_pii'>().toExtend<Permission>();
    expectTypeOf<'deployments.history'>().toExtend<Permission>();
    expectTypeOf<'build.knowledg'>().not.toExtend<Permission>();
  });
});
