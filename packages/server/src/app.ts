import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config';
import { type Database, openDatabase } from './db';
import { migrate } from './db/migrate';
import type { DB } from './db/schema';
import { problem } from './errors';
import { access } from './http/access';
import { installErrorHandling, sendNotFound } from './http/errors';
import { guardPlugin } from './http/guard';
import { MODULE_ROUTES } from './modules';
import './command/http';
import { startAccessCache } from './modules/access/cache';
import type { AccessStateSource } from './modules/access/service';
import { loadWorkspaceState } from './modules/access/state';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    db: Kysely<DB>;
    accessState: AccessStateSource;
  }
}

export interface BuildOptions {
  /** Use this database instead of opening one from the config (tests); the app does not close it. */
  database?: Database;
  /** Skip running migrations at start (the caller already did). */
  skipMigrations?: boolean;
  /** Override the logger (tests pass false or a stream). */
  logger?: FastifyServerOptions['logger'];
  /** Keep the configured logger (level, redaction, serializers) but write its lines here (tests capture them). */
  logStream?: { write(line: string): void };
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Log lines never carry query strings (they may hold one-time tokens) or credentials. */
function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      remove: true,
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        ip: req.ip,
      }),
    },
  };
}

/**
 * Validators that coerce types only where text is all a client can send
 * (query string, path, headers): a JSON body is taken as sent, so
 * `{"name": 12345}` is refused instead of becoming the name "12345"
 * (issue 14). Both validators share Fastify's own compiler and options.
 */
function bodiesAsSent(): ValidatorFactory {
  const pool = AjvCompiler();
  return ((externalSchemas: Parameters<ValidatorFactory>[0], options: { customOptions?: object } = {}) => {
    const coercing = pool(externalSchemas, options as never);
    const strict = pool(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    } as never);
    return (route: { httpPart?: string }) =>
      route.httpPart === 'body' ? strict(route as never) : coercing(route as never);
  }) as unknown as ValidatorFactory;
}

/** The database target named by the configuration: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function databaseTarget(config: Config) {
  if (config.databaseUrl)
    return { kind: 'postgres' as const, url: config.databaseUrl, poolSize: config.databasePoolSize };
  const memory = config.dataDir === 'memory://' || config.dataDir === '';
  return { kind: 'pglite' as const, dataDir: memory ? undefined : path.resolve(config.dataDir) };
}

/**
 * Builds the Atrium HTTP app without listening (tests call `app.inject`;
 * main.ts calls `listen`). Opens the database named by `config` unless one is
 * passed in, and runs pending migrations.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const database = options.database ?? (await openDatabase(databaseTarget(config)));
  const ownsDatabase = !options.database;
  try {
    if (!options.skipMigrations) await migrate(database.db);
  } catch (err) {
    if (ownsDatabase) await database.close();
    throw err;
  }

  const app = Fastify({
    logger:
      options.logger ??
      (options.logStream && config.logLevel !== 'silent'
        ? { ...(loggerOptions(config) as object), stream: options.logStream }
        : loggerOptions(config)),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true },
    },
    schemaController: { compilersFactory: { buildValidator: bodiesAsSent() } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('db', database.db);
  app.decorate(
    'accessState',
    await startAccessCache(database, { maxWorkspaces: config.accessCacheWorkspaces }),
  );
  app.decorate('commands', {
    db: database.db,
    accessState: app.accessState,
    verifyAccessWrites: config.verifyCommands,
    loadState: loadWorkspaceState,
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', String(req.id));
    // API answers are per caller and often personal: no browser or proxy keeps
    // them (issue 14). Routes that may be cached set their own header.
    if (req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onClose', async () => {
    await app.accessState.close();
    if (ownsDatabase) await database.close();
  });

  installErrorHandling(app);
  await app.register(guardPlugin);
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.publicUrl.startsWith('https:'),
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      problem('rate_limited', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`, {
        retryAfter: Math.ceil(ctx.ttl / 1000),
      }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atrium API',
        version: '0.1.0',
        description:
          'Team access for AI agent platforms: accounts, workspaces, agents, roles, permissions, invitations, policies and the check API. Errors are RFC 9457 problem details with a stable `code`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'atrium_session' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An Atrium API key: `atr_…`' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  for (const routes of MODULE_ROUTES) await app.register(routes);
  await registerConsole(app, config);
  return app;
}

/** Serves the built console (a single-page app) or, before it is built, a placeholder page. */
async function registerConsole(app: FastifyInstance, config: Config): Promise<void> {
  const index = path.join(config.consoleDir, 'index.html');
  const built = existsSync(index);
  if (built) {
    // One public wildcard route ('/*', see isPluginRoute in guard.ts) rather than a route per built file,
    // which the guard would refuse for lacking an access declaration.
    await app.register(fastifyStatic, { root: config.consoleDir, wildcard: true, index: false });
  }
  app.get('/', { config: { access: access.public() }, schema: { hide: true } }, async (_req, reply) => {
    if (built) return reply.type('text/html').sendFile('index.html');
    return reply.type('text/html').send(PLACEHOLDER);
  });
  app.setNotFoundHandler((req, reply) => {
    const wantsPage =
      req.method === 'GET' && !req.url.startsWith('/v1') && (req.headers.accept ?? '').includes('text/html');
    if (built && wantsPage) return reply.type('text/html').sendFile('index.html');
    sendNotFound(req, reply);
  });
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Atrium</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#f1f3f5;padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>Atrium</h1><p>The API is running. The console has not been built yet: run <code>npm run build</code>.</p>
<p>API reference: <a href="/docs">/docs</a> · <a href="/openapi.json">/openapi.json</a></p></body></html>`;
