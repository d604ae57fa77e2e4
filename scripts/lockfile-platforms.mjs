#!/usr/bin/env node
// The npm registry mirror on our build machines carries only the Linux
// builds of Biome's native CLI. `npm install` then writes a lock file without
// the other platforms' optional packages, and `npm ci` refuses that lock file
// as "out of sync". This adds the missing entries (with their os/cpu/libc, so
// npm skips them on Linux without fetching anything). Run it after any
// `npm install` that rewrites package-lock.json:  node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const lockPath = path.resolve(import.meta.dirname, '../package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const biome = lock.packages['node_modules/@biomejs/biome'];
if (!biome) process.exit(0);
const PLATFORMS = {
  'cli-android-arm64': { os: 'android', cpu: 'arm64' },
  'cli-android-x64': { os: 'android', cpu: 'x64' },
  'cli-darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'cli-darwin-x64': { os: 'darwin', cpu: 'x64' },
  'cli-linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl' },
  'cli-linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl' },
  'cli-win32-arm64': { os: 'win32', cpu: 'arm64' },
  'cli-win32-x64': { os: 'win32', cpu: 'x64' },
};
let added = 0;
for (const [name, p] of Object.entries(PLATFORMS)) {
  const key = `node_modules/@biomejs/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: biome.version,
    cpu: [p.cpu],
    dev: true,
    ...(p.libc ? { libc: [p.libc] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [p.os],
    engines: { node: '>=14.21.3' },
  };
  added++;
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile-platforms: added ${added} entr${added === 1 ? 'y' : 'ies'}`);
