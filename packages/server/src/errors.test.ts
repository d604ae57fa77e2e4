import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors';

describe('error code registry', () => {
  const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );

  it.each(Object.entries(ERROR_CODES))(
    '%s is documented in docs/errors.md with its status',
    (code, { status }) => {
      expect(documented.get(code)).toBe(status);
    },
  );

  it('documents no code that does not exist', () => {
    expect([...documented.keys()].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });
});
