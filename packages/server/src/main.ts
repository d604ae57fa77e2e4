import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp, databaseTarget } from './app';
import { ConfigError, loadConfig } from './config';
import { DEMO_WORKSPACE_NAME, demoPassword, seedDemo } from './modules/demo/seed';

const SHUTDOWN_GRACE_MS = 5000;

/** `atrium serve`: migrate, seed the demo (development), listen, and shut down cleanly on SIGTERM/SIGINT. */
export async function serve(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`atrium: invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const target = databaseTarget(config);
  if (target.kind === 'pglite') {
    const fresh = !target.dataDir || !existsSync(path.join(target.dataDir, 'PG_VERSION'));
    const where = target.dataDir ? path.relative(process.cwd(), target.dataDir) || '.' : 'memory';
    console.log(
      fresh
        ? `atrium: initialising the embedded database in ${where} (first start takes a few seconds)…`
        : `atrium: opening the embedded database in ${where}…`,
    );
  } else {
    console.log('atrium: connecting to PostgreSQL…');
  }

  const app = await buildApp(config);
  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  const password = demoPassword();
  if (config.seedDemo) demo = await seedDemo(app.commands, password);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      console.error('atrium: shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        console.error('atrium: error while shutting down', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const url = config.publicUrl;
  console.log(`\natrium: ready at ${url}  (API docs: ${url}/docs)`);
  if (demo) {
    console.log(
      `atrium: demo workspace "${DEMO_WORKSPACE_NAME}"${demo.created ? ' created' : ''}; sign in as`,
    );
    console.log(`          ${demo.adminEmail} / ${password}   (workspace admin)`);
    console.log(`          ${demo.memberEmail} / ${password}   (member)\n`);
  }
}
