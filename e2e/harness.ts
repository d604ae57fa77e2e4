import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../packages/server/src/app';
import { type Config, testConfig } from '../packages/server/src/config';

/** Where screenshots go (gitignored); the best are copied to docs/screenshots by hand. */
const ARTIFACTS = path.resolve(import.meta.dirname, 'artifacts');

/** Debian's Chromium, never a downloaded browser (no network here: ARCHITECTURE, issue 8). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The real Atrium server, in-process (configuration overrides may depend on its URL), on an in-memory PGlite, listening on a
 * free loopback port and serving the built console (packages/console/dist).
 */
export async function startServer(
  options: { port?: number; config?: (url: string) => Partial<Config> } = {},
): Promise<RunningServer> {
  // The public URL (used in email links) must name the port before the app is built, so pick a
  // free port first (unless one is given); if another process takes it in between, try another.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const config = testConfig({
      port,
      host: '127.0.0.1',
      publicUrl: url,
      mode: 'development',
      ...options.config?.(url),
    });
    const app = await buildApp(config, { logger: false });
    try {
      await app.listen({ port, host: '127.0.0.1' });
      return { app, url, close: () => app.close() };
    } catch (err) {
      await app.close();
      const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!taken || options.port !== undefined || attempt >= 5) throw err;
    }
  }
}

/** Everything the browser console said that is an error, and every uncaught exception. */
export interface ConsoleWatch {
  errors: string[];
}

/** Starts a headless Chromium with the flags that work in this sandbox. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser profile (its own cookies: one person) at 1280×860, with
 * every console error and page error collected into `watch`.
 */
export async function newPerson(
  browser: Browser,
  baseURL: string,
  watch: ConsoleWatch,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  // Fail fast: a UI that takes more than 15 s to show something is broken.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.errors.push(`[console] ${msg.text()} @ ${page.url()}`);
  });
  page.on('pageerror', (err) => watch.errors.push(`[pageerror] ${err.message} @ ${page.url()}`));
  page.on('requestfailed', (req) => {
    // Navigations away from a page cancel its in-flight fetches; that is not an error.
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') watch.errors.push(`[requestfailed] ${req.url()}`);
  });
  return { context, page };
}

/** Saves a full-page screenshot to e2e/artifacts/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  // Let transitions and notifications settle so the picture shows the resting state.
  await page.waitForTimeout(350);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Saves a screenshot of the visible part of a page (and the page's text, for debugging). */
export async function debugShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
