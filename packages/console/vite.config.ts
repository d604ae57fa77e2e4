import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is a static single-page app: the Atrium server serves `dist/`
// (registerConsole in packages/server/src/app.ts) on the same origin as the
// API, so the session cookie and CSRF header work without CORS. In `npm run
// dev -w @atrium/console` the dev server proxies the API to a running server.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        // One long-lived vendor chunk for React, Mantine and TanStack Query;
        // the console's own code changes far more often.
        manualChunks(id: string) {
          if (id.includes('node_modules')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:3000',
      '/openapi.json': 'http://127.0.0.1:3000',
    },
  },
});
