import { defineConfig } from 'vitest/config';

// One command runs every suite. The server's integration suite runs on the
// embedded PGlite by default and on PostgreSQL when TEST_DATABASE_URL is set
// (see packages/server/test/global-setup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'policy',
          include: ['packages/policy/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'sdk',
          include: ['packages/sdk/src/**/*.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The console's browser behaviour is tested in e2e/; here only what runs in Node.
          name: 'console',
          include: ['packages/console/src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
