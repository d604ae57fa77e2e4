import path from 'node:path';
import { generateSealKey, parseSealKey, type SealKey } from './audit/seal';

/**
 * Configuration from environment variables, validated at start. A bad value
 * stops the process with one line naming the variable (see main.ts). Every
 * variable is listed in the README's configuration table.
 */
export interface Config {
  /** `development` enables the dev mailbox and the demo seed by default. */
  mode: 'development' | 'production';
  host: string;
  port: number;
  /** Base URL people reach the console at; used in email links. */
  publicUrl: string;
  /** PostgreSQL server; when unset, the embedded PGlite in `dataDir` is used. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** PGlite data folder; `memory://` keeps everything in memory. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seed the demo workspace at start (idempotent). */
  seedDemo: boolean;
  /** SMTP server for outgoing mail; unset = dev mailbox only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Trust X-Forwarded-* from a reverse proxy (for client IPs and HTTPS). */
  trustProxy: boolean;
  /** Serve the console's built files from here when present. */
  consoleDir: string;
  /** Days an invitation link stays valid. */
  invitationTtlDays: number;
  /** Absolute lifetime of a session (SESSION_TTL_HOURS). */
  sessionTtlHours: number;
  /** A session unused this long ends (SESSION_IDLE_HOURS). */
  sessionIdleHours: number;
  /** Requests per minute per IP on sign-in, sign-up, reset and invitation acceptance. */
  authRateLimitPerIp: number;
  /** Requests per minute per email address on the same routes. */
  authRateLimitPerAccount: number;
  /** Failed sign-ins per email address before sign-in is refused for the window. */
  signInMaxFailures: number;
  signInFailureWindowMinutes: number;
  /** OpenID Connect SSO; null issuer = SSO off. `google` preset sets the issuer. */
  oidc: { issuer: string; clientId: string; clientSecret: string | null; providerName: string } | null;
  /** Workspaces whose compiled access state each instance keeps in memory (LRU). */
  accessCacheWorkspaces: number;
  /**
   * Not an environment variable: the test harness turns it on so every
   * command that bumps no revision is checked to have left the access state
   * unchanged (command/command.ts).
   */
  verifyCommands: boolean;
  /** Invitation emails a workspace may send per hour (invitations and resends). */
  invitationEmailsPerWorkspaceHour: number;
  /** Invitation emails one person may send per hour, across workspaces. */
  invitationEmailsPerInviterHour: number;
  /** Resends of one invitation per hour. */
  invitationResendsPerHour: number;
  /** Verification emails one account may ask for per hour (docs/security.md "No mail cannon"). */
  verificationEmailsPerHour: number;
  /** Accept plain-http `Origin`s for share links' authorized domains (local development only). */
  widgetAllowHttp: boolean;
  /** Minutes between automatic activity-log purges by retention period; 0 = off. */
  activityPurgeIntervalMinutes: number;
  /**
   * Signs the seals of the activity chains' heads (ATRIUM_AUDIT_SIGNING_KEY,
   * docs/audit.md "Signed seals"). Required in production; in development an
   * unset key is replaced by one generated at start (`auditSigningKeyEphemeral`).
   */
  auditSigningKey: SealKey;
  /** The key was generated at start: its seals cannot be verified after a restart. */
  auditSigningKeyEphemeral: boolean;
  /** A chain with entries newer than its last seal is sealed once that seal is this old (ATRIUM_AUDIT_SEAL_MINUTES). */
  auditSealMinutes: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function optional(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v === '' ? null : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: readonly string[]): string | null {
  const raw = optional(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** Known OpenID providers (OIDC_PROVIDER presets). */
const OIDC_PRESETS: Record<string, { issuer: string; name: string }> = {
  google: { issuer: 'https://accounts.google.com', name: 'Google' },
};

/** SSO settings: OIDC_PROVIDER (preset) or OIDC_ISSUER, plus the client credentials. */
function oidcConfig(env: Env): Config['oidc'] {
  const preset = optional(env, 'OIDC_PROVIDER');
  if (preset !== null && !OIDC_PRESETS[preset]) {
    throw new ConfigError('OIDC_PROVIDER', `must be one of ${Object.keys(OIDC_PRESETS).join(', ')}`);
  }
  const issuer =
    url(env, 'OIDC_ISSUER', ['https:', 'http:']) ?? (preset ? OIDC_PRESETS[preset]?.issuer : null);
  if (!issuer) return null;
  const clientId = optional(env, 'OIDC_CLIENT_ID');
  if (!clientId) throw new ConfigError('OIDC_CLIENT_ID', 'is required when SSO is configured');
  return {
    issuer,
    clientId,
    clientSecret: optional(env, 'OIDC_CLIENT_SECRET'),
    providerName: str(env, 'OIDC_PROVIDER_NAME', preset ? (OIDC_PRESETS[preset]?.name ?? 'SSO') : 'SSO'),
  };
}

/** ATRIUM_AUDIT_SIGNING_KEY: required in production; generated (and flagged) in development. */
function auditSigningKey(env: Env, mode: Config['mode']): { key: SealKey; ephemeral: boolean } {
  const name = 'ATRIUM_AUDIT_SIGNING_KEY';
  const raw = optional(env, name);
  if (raw === null) {
    if (mode === 'production') {
      throw new ConfigError(
        name,
        'is required in production (an Ed25519 private key: PKCS#8 PEM or base64 seed)',
      );
    }
    return { key: generateSealKey(), ephemeral: true };
  }
  try {
    return { key: parseSealKey(raw), ephemeral: false };
  } catch (err) {
    throw new ConfigError(name, err instanceof Error ? err.message : String(err));
  }
}

/** The fixed signing key of tests (a seed anyone can read: never use it outside tests). */
const TEST_AUDIT_SIGNING_KEY = Buffer.alloc(32, 7).toString('base64');

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf(env, 'ATRIUM_MODE', 'development', ['development', 'production'] as const);
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const signing = auditSigningKey(env, mode);
  return {
    mode,
    host: str(env, 'HOST', '127.0.0.1'),
    port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    dataDir: str(env, 'ATRIUM_DATA_DIR', './data'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    seedDemo: bool(env, 'ATRIUM_SEED_DEMO', mode === 'development'),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: str(env, 'MAIL_FROM', 'Atrium <no-reply@atrium.localhost>'),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    consoleDir: str(env, 'ATRIUM_CONSOLE_DIR', path.resolve(import.meta.dirname, '../../console/dist')),
    invitationTtlDays: int(env, 'INVITATION_TTL_DAYS', 7, 1, 90),
    accessCacheWorkspaces: int(env, 'ATRIUM_ACCESS_CACHE_WORKSPACES', 1000, 1, 1_000_000),
    verifyCommands: false,
    widgetAllowHttp: bool(env, 'ATRIUM_WIDGET_ALLOW_HTTP', false),
    invitationEmailsPerWorkspaceHour: int(env, 'INVITATION_EMAILS_PER_WORKSPACE_HOUR', 500, 1, 1_000_000),
    invitationEmailsPerInviterHour: int(env, 'INVITATION_EMAILS_PER_INVITER_HOUR', 200, 1, 1_000_000),
    invitationResendsPerHour: int(env, 'INVITATION_RESENDS_PER_HOUR', 3, 1, 1000),
    verificationEmailsPerHour: int(env, 'VERIFICATION_EMAILS_PER_HOUR', 5, 1, 1000),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 24 * 30, 1, 24 * 366),
    sessionIdleHours: int(env, 'SESSION_IDLE_HOURS', 24 * 7, 1, 24 * 366),
    authRateLimitPerIp: int(env, 'AUTH_RATE_LIMIT_PER_IP', 30, 1, 1_000_000),
    authRateLimitPerAccount: int(env, 'AUTH_RATE_LIMIT_PER_ACCOUNT', 10, 1, 1_000_000),
    signInMaxFailures: int(env, 'SIGN_IN_MAX_FAILURES', 10, 1, 1000),
    signInFailureWindowMinutes: int(env, 'SIGN_IN_FAILURE_WINDOW_MINUTES', 15, 1, 24 * 60),
    oidc: oidcConfig(env),
    activityPurgeIntervalMinutes: int(env, 'ACTIVITY_PURGE_INTERVAL_MINUTES', 60, 0, 7 * 24 * 60),
    auditSigningKey: signing.key,
    auditSigningKeyEphemeral: signing.ephemeral,
    auditSealMinutes: int(env, 'ATRIUM_AUDIT_SEAL_MINUTES', 60, 1, 7 * 24 * 60),
  };
}

/** A configuration for tests: in-memory, quiet, development mode. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      ATRIUM_DATA_DIR: 'memory://',
      LOG_LEVEL: 'silent',
      ATRIUM_SEED_DEMO: 'false',
      // Every test injects from 127.0.0.1: only rate-limit tests lower these.
      AUTH_RATE_LIMIT_PER_IP: '100000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
      ATRIUM_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    }),
    verifyCommands: true,
    ...overrides,
  };
}
