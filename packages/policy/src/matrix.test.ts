import { describe, expect, it } from 'vitest';
import { AREAS, LEVELS, PERMISSIONS, permissionsOf, SENSITIVE_PERMISSIONS } from './catalog';
import {
  areaLevel,
  diffMatrix,
  levelOf,
  type Matrix,
  matrixCovers,
  mergeMatrix,
  normalizeMatrix,
  parseMatrix,
  setArea,
  setItem,
  toMatrixInput,
} from './matrix';

describe('setArea / setItem', () => {
  it('setArea sets every item of the area but never the sensitive ones', () => {
    const m = setArea({}, 'analytics', 'edit');
    for (const p of permissionsOf('analytics')) {
      expect(levelOf(m, p)).toBe(SENSITIVE_PERMISSIONS.includes(p as never) ? 'none' : 'edit');
    }
    const granted = setItem(
      setItem({}, 'analytics.conversation_pii', 'read'),
      'analytics.call_download',
      'edit',
    );
    const lowered = setArea(granted, 'analytics', 'none');
    expect(levelOf(lowered, 'analytics.conversation_pii')).toBe('read');
    expect(levelOf(lowered, 'analytics.call_download')).toBe('edit');
  });

  it('setArea does not touch other areas and does not mutate its input', () => {
    const base: Matrix = { 'build.flows': 'edit' };
    const m = setArea(base, 'channels', 'read');
    expect(base).toEqual({ 'build.flows': 'edit' });
    expect(m).toEqual({ 'build.flows': 'edit', 'channels.voice': 'read', 'channels.chat': 'read' });
  });

  it('setItem changes only that item, higher or lower than its siblings', () => {
    const m = setArea({}, 'build', 'read');
    const up = setItem(m, 'build.knowledge', 'edit');
    const down = setItem(m, 'build.tools', 'none');
    expect(levelOf(up, 'build.knowledge')).toBe('edit');
    expect(levelOf(down, 'build.tools')).toBe('none');
    expect(diffMatrix(m, up)).toHaveLength(1);
    expect(diffMatrix(m, down)).toHaveLength(1);
    expect(levelOf(m, 'build.knowledge')).toBe('read');
  });
});

describe('areaLevel', () => {
  it('is the common level, or mixed when items differ', () => {
    expect(areaLevel({}, 'build')).toBe('none');
    expect(areaLevel(setArea({}, 'build', 'read'), 'build')).toBe('read');
    expect(areaLevel(setItem(setArea({}, 'build', 'read'), 'build.knowledge', 'edit'), 'build')).toBe(
      'mixed',
    );
    expect(areaLevel({ 'build.knowledge': 'edit' }, 'build')).toBe('mixed');
  });

  it('ignores the sensitive items', () => {
    const m = setItem(setArea({}, 'analytics', 'read'), 'analytics.conversation_pii', 'edit');
    expect(areaLevel(m, 'analytics')).toBe('read');
    expect(areaLevel({ 'analytics.call_download': 'read' }, 'analytics')).toBe('none');
  });
});

describe('normalize, diff, merge, covers', () => {
  it('normalize drops none and unknown keys and orders keys like the catalog', () => {
    const m = {
      'deployments.history': 'read',
      'build.tools': 'none',
      'analytics.feedback': 'edit',
      bogus: 'edit',
    };
    const n = normalizeMatrix(m as Matrix);
    expect(n).toEqual({ 'analytics.feedback': 'edit', 'deployments.history': 'read' });
    expect(Object.keys(n)).toEqual(['analytics.feedback', 'deployments.history']);
  });

  it('explicit none is the same as no entry', () => {
    expect(diffMatrix({ 'build.tools': 'none' }, {})).toEqual([]);
    expect(levelOf({ 'build.tools': 'none' }, 'build.tools')).toBe('none');
  });

  it('diff lists changed items in catalog order', () => {
    expect(
      diffMatrix({ 'build.sms': 'edit', 'analytics.feedback': 'read' }, { 'build.sms': 'read' }),
    ).toEqual([
      { permission: 'analytics.feedback', before: 'read', after: 'none' },
      { permission: 'build.sms', before: 'edit', after: 'read' },
    ]);
  });

  it('merge: keys in the patch win (explicit none lowers), others keep the base', () => {
    expect(
      mergeMatrix(
        { 'build.flows': 'edit', 'build.sms': 'read', 'channels.chat': 'read' },
        { 'build.sms': 'none', 'channels.chat': 'edit', 'deployments.history': 'read' },
      ),
    ).toEqual({ 'build.flows': 'edit', 'channels.chat': 'edit', 'deployments.history': 'read' });
  });

  it('covers compares item by item', () => {
    expect(matrixCovers({ 'build.flows': 'edit' }, { 'build.flows': 'read' })).toBe(true);
    expect(matrixCovers({ 'build.flows': 'read' }, { 'build.flows': 'edit' })).toBe(false);
    expect(matrixCovers({}, {})).toBe(true);
  });
});

describe('parseMatrix', () => {
  it('applies areas first, then items, whatever the key order', () => {
    const r = parseMatrix({ 'build.knowledge': 'edit', build: 'read', 'build.tools': 'none' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(levelOf(r.matrix, 'build.knowledge')).toBe('edit');
    expect(levelOf(r.matrix, 'build.tools')).toBe('none');
    expect(levelOf(r.matrix, 'build.flows')).toBe('read');
    expect(areaLevel(r.matrix, 'build')).toBe('mixed');
  });

  it('an area never sets sensitive items; naming them does', () => {
    const r = parseMatrix({ analytics: 'edit', 'analytics.call_download': 'read' });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(levelOf(r.matrix, 'analytics.conversation_pii')).toBe('none');
    expect(levelOf(r.matrix, 'analytics.call_download')).toBe('read');
  });

  it('accepts the empty object', () => {
    expect(parseMatrix({})).toEqual({ ok: true, matrix: {} });
  });

  it('names an unknown key and lists the valid ones', () => {
    const r = parseMatrix({ 'build.knowledg': 'edit' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.key).toBe('build.knowledg');
    expect(r.issues[0]!.message).toContain('build.knowledg');
    expect(r.issues[0]!.valid).toContain('build.knowledge');
    expect(r.issues[0]!.valid).toContain('build');
    expect(r.issues[0]!.valid).toHaveLength(AREAS.length + PERMISSIONS.length);
  });

  it('names a bad value and lists the levels', () => {
    const r = parseMatrix({ build: 'write', 'channels.chat': 3 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.key)).toEqual(['build', 'channels.chat']);
    expect(r.issues[0]!.message).toContain('"write"');
    expect(r.issues[0]!.valid).toEqual(LEVELS);
    expect(r.issues[1]!.message).toContain('3');
  });

  it('reports every issue, including inherited-looking keys', () => {
    const r = parseMatrix({ __proto__: 'edit', toString: 'read', build: 'read' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.key)).toEqual(['toString']);
    const r2 = parseMatrix(JSON.parse('{"__proto__":"edit","constructor":"read"}'));
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.issues.map((i) => i.key)).toEqual(['__proto__', 'constructor']);
  });

  it('rejects non-objects', () => {
    for (const x of [null, undefined, 'build', 3, ['build'], true]) {
      const r = parseMatrix(x);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues[0]!.key).toBe('');
    }
  });

  it('round-trips through the compact wire form', () => {
    const m = setItem(
      setItem(setArea(setArea({}, 'build', 'read'), 'analytics', 'edit'), 'build.knowledge', 'edit'),
      'analytics.call_download',
      'read',
    );
    const wire = toMatrixInput(m);
    expect(wire).toEqual({
      analytics: 'edit',
      'analytics.call_download': 'read',
      build: 'read',
      'build.knowledge': 'edit',
    });
    expect(parseMatrix(wire)).toEqual({ ok: true, matrix: normalizeMatrix(m) });
  });
});
