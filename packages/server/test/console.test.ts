import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from './harness';

// A built console (issue 8): the server serves its files through one public
// wildcard route — a route per file was refused by the guard for declaring no
// access, so the app did not start once packages/console/dist existed.
const dir = mkdtempSync(path.join(tmpdir(), 'atrium-console-'));
mkdirSync(path.join(dir, 'assets'));
writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><title>Atrium console</title><div id="root"></div>',
);
writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("atrium")');

describe('serving the built console', () => {
  const ctx = useTestApp({ consoleDir: dir });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html at / and for deep links of the single-page app', async () => {
    const root = await ctx.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('Atrium console');
    const deep = await ctx.app.inject({
      method: 'GET',
      url: '/w/123/users',
      headers: { accept: 'text/html' },
    });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('Atrium console');
  });

  it('serves the built assets', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toContain('atrium');
  });

  it('still answers unknown API paths and missing files with a 404 problem', async () => {
    const api = await ctx.app.inject({
      method: 'GET',
      url: '/v1/nothing-here',
      headers: { accept: 'text/html' },
    });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'not_found' });
    const file = await ctx.app.inject({ method: 'GET', url: '/assets/missing.js' });
    expect(file.statusCode).toBe(404);
    expect(file.json()).toMatchObject({ code: 'not_found' });
  });
});
