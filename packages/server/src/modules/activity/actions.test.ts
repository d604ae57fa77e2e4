import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/activity.md is the one list of action names (issue 6). These tests
 * keep it and the code in step: every action the server can record is
 * documented, and every documented action is one the server records.
 */

const SRC = path.resolve(import.meta.dirname, '../..');
const DOC = path.resolve(import.meta.dirname, '../../../../../docs/activity.md');
const NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** Names written as `action: '…'` (ternaries included) and templates such as `agent.${group}_updated`. */
async function actionsInSource(): Promise<{ literals: Set<string>; templates: RegExp[] }> {
  const literals = new Set<string>();
  const templates: RegExp[] = [];
  for (const file of await sourceFiles(SRC)) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/\baction:\s*([^\n]+)/g)) {
      const expr = m[1] ?? '';
      for (const q of expr.matchAll(/'([^'\n]+)'/g)) if (NAME.test(q[1] ?? '')) literals.add(q[1] ?? '');
      for (const t of expr.matchAll(/`([^`\n]+)`/g)) {
        const body = t[1] ?? '';
        if (!body.includes('${') || !/^[a-z]/.test(body)) continue;
        const pattern = body
          .split(/\$\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('[a-z0-9_]+');
        templates.push(new RegExp(`^${pattern}$`));
      }
    }
  }
  return { literals, templates };
}

/** The action names documented in docs/activity.md: the first cell of each table row. */
async function documentedActions(): Promise<Set<string>> {
  const text = await readFile(DOC, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)) if (NAME.test(m[1] ?? '')) names.add(m[1] ?? '');
  return names;
}

describe('docs/activity.md, the one list of actions', () => {
  it('documents every action the server records', async () => {
    const { literals } = await actionsInSource();
    const documented = await documentedActions();
    expect(literals.size).toBeGreaterThan(10);
    const missing = [...literals].filter((a) => !documented.has(a)).sort();
    expect(missing, 'add these to docs/activity.md').toEqual([]);
  });

  it('lists no action the server never records', async () => {
    const { literals, templates } = await actionsInSource();
    const documented = await documentedActions();
    const stale = [...documented].filter((a) => !literals.has(a) && !templates.some((t) => t.test(a))).sort();
    expect(stale, 'remove these from docs/activity.md, or record them').toEqual([]);
  });
});
