#!/usr/bin/env node
// `npm start`: builds the console when its sources changed since the last
// build, then runs the server (API + console) on the embedded database.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const consoleDir = path.join(root, 'packages/console');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

if (existsSync(path.join(consoleDir, 'index.html'))) {
  const builtIndex = path.join(consoleDir, 'dist/index.html');
  const stale = !existsSync(builtIndex) || statSync(builtIndex).mtimeMs < newest(consoleDir);
  if (stale) {
    console.log('atrium: building the console…');
    const r = spawnSync('npm', ['run', 'build', '-w', '@atrium/console'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const child = spawn(process.execPath, [path.join(root, 'packages/server/bin/atrium.mjs'), 'serve'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
