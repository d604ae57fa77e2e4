import { defineConfig } from 'vitest/config';

// Browser tests: the real server in-process (PGlite in memory) and Debian's
// Chromium driven by playwright-core. One file at a time: a browser and a
// server each are plenty for a 2-core machine.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
