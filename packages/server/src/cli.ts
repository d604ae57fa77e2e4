import { buildApp, databaseTarget } from './app';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db';
import { migrate } from './db/migrate';
import { serve } from './main';
import { AUDIT_HELP, auditCommand } from './modules/activity/cli';
import { demoPassword, seedDemo } from './modules/demo/seed';

const HELP = `atrium — team access for AI agent platforms

Usage: atrium <command>

Commands:
  serve        run the API and the console (default)
  migrate      apply pending database migrations and exit
  seed-demo    create the demo workspace if it does not exist and exit
  audit        verify activity-log hash chains and seals, seal, purge by retention (atrium audit --help)
  --help       show this help

Configuration comes from environment variables: see the README.
`;

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const database = await openDatabase(databaseTarget(loadConfig()));
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve'] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve();
        return -1; // keeps running
      case 'migrate': {
        const result = await withDatabase((d) => migrate(d.db));
        console.log(
          result.applied.length
            ? `atrium: applied ${result.applied.join(', ')}`
            : `atrium: nothing to migrate (${result.alreadyApplied} applied)`,
        );
        return 0;
      }
      case 'seed-demo': {
        const app = await buildApp({ ...loadConfig(), logLevel: 'silent' });
        const result = await seedDemo(app.commands, demoPassword());
        await app.close();
        console.log(
          result.created ? 'atrium: demo workspace created' : 'atrium: demo workspace already exists',
        );
        return 0;
      }
      case 'audit': {
        if (argv[1] === undefined || argv[1] === '--help') {
          console.log(AUDIT_HELP);
          return 0;
        }
        const config = loadConfig();
        return await withDatabase((d) =>
          auditCommand(
            argv.slice(1),
            d.db,
            { out: (l) => console.log(l), err: (l) => console.error(l) },
            { key: config.auditSigningKey, ephemeral: config.auditSigningKeyEphemeral },
          ),
        );
      }
      case '--help':
      case '-h':
      case 'help':
        console.log(HELP);
        return 0;
      default:
        console.error(`atrium: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`atrium: invalid configuration: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
