import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const SEED = Buffer.alloc(32, 3).toString('base64');

describe('loadConfig', () => {
  it('has working defaults: embedded database in ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      mode: 'development',
      seedDemo: true,
    });
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['PORT', 'abc', /PORT: must be a whole number/],
    ['PORT', '70000', /PORT: must be between/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must start with postgres/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of/],
    ['ATRIUM_SEED_DEMO', 'perhaps', /ATRIUM_SEED_DEMO: must be true or false/],
    ['SMTP_URL', 'not a url', /SMTP_URL: must be a URL/],
  ])('names the variable when %s=%s is invalid', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('production mode turns the demo seed off by default', () => {
    expect(loadConfig({ ATRIUM_MODE: 'production', ATRIUM_AUDIT_SIGNING_KEY: SEED }).seedDemo).toBe(false);
  });

  it('production mode refuses to start without ATRIUM_AUDIT_SIGNING_KEY, naming it', () => {
    expect(() => loadConfig({ ATRIUM_MODE: 'production' })).toThrow(/^ATRIUM_AUDIT_SIGNING_KEY: is required/);
  });

  it('development without ATRIUM_AUDIT_SIGNING_KEY generates an ephemeral key, flagged as such', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.auditSigningKeyEphemeral).toBe(true);
    expect(a.auditSigningKey.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(a.auditSigningKey.keyId).not.toBe(b.auditSigningKey.keyId);
  });

  it('reads the signing key as a base64 seed or a PKCS#8 PEM: the same key either way', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');
    const fromPem = loadConfig({ ATRIUM_AUDIT_SIGNING_KEY: pem });
    const fromSeed = loadConfig({ ATRIUM_AUDIT_SIGNING_KEY: seed });
    expect(fromPem.auditSigningKeyEphemeral).toBe(false);
    expect(fromPem.auditSigningKey.keyId).toBe(fromSeed.auditSigningKey.keyId);
    expect(loadConfig({ ATRIUM_AUDIT_SIGNING_KEY: pem.replace(/\n/g, '\\n') }).auditSigningKey.keyId).toBe(
      fromSeed.auditSigningKey.keyId,
    );
  });

  it.each([
    ['not-a-key'],
    [Buffer.alloc(16, 1).toString('base64')],
    [
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    ],
  ])('refuses a signing key that is not an Ed25519 private key, naming the variable', (value) => {
    expect(() => loadConfig({ ATRIUM_AUDIT_SIGNING_KEY: value })).toThrow(
      /^ATRIUM_AUDIT_SIGNING_KEY: must be an Ed25519/,
    );
  });
});
