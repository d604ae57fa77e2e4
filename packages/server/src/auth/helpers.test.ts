import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { generateApiKey } from './api-keys';
import { normalizeEmail } from './email';
import { hashPassword, verifyPassword } from './password';
import { passwordProblem } from './password-policy';
import { csrfTokenFor, randomBase62, sha256 } from './tokens';

describe('normalizeEmail', () => {
  it.each([
    ['zero-width space', 'ad\u200ba@example.com'],
    ['zero-width joiner', 'ada\u200d@example.com'],
    ['byte-order mark', '\ufeffada@example.com'],
    ['right-to-left override', 'ada\u202e@example.com'],
    ['left-to-right isolate', 'ada@exa\u2066mple.com'],
    ['soft hyphen', 'a\u00adda@example.com'],
    ['combining grapheme joiner', 'ada\u034f@example.com'],
    ['variation selector', 'ada\ufe0f@example.com'],
    ['Hangul filler', 'ada\u3164@example.com'],
    ['tag character', 'ada\u{e0041}@example.com'],
    ['private use', 'ada\ue000@example.com'],
    ['line separator', 'ada\u2028@example.com'],
  ])('refuses an address hiding a %s (addresses that lie)', (_what, address) => {
    expect(normalizeEmail(address)).toBeNull();
  });

  it('trims, lower-cases and NFC-normalises; accepts internationalised addresses', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('JÜRGEN@bücher.example')).toBe('jürgen@bücher.example');
    // "ü" written as u + combining diaeresis becomes the composed form.
    expect(normalizeEmail('ju\u0308rgen@example.com')).toBe('jürgen@example.com');
    expect(normalizeEmail('用户@例子.广告')).toBe('用户@例子.广告');
  });

  it.each([
    'plain',
    '@example.com',
    'a@',
    'a@@example.com',
    'a@b@example.com',
    'a b@example.com',
    'a@localhost',
    '.a@example.com',
    'a..b@example.com',
    'a@-x.example',
    `${'x'.repeat(65)}@example.com`,
    'a<b>@example.com',
  ])('refuses %s', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });
});

describe('password policy (NIST SP 800-63B)', () => {
  it('asks for length only, and refuses common passwords whatever their case', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem('1Q2W3E4R5T6Y')).toMatch(/too common/);
    expect(passwordProblem('qwerty123456')).toMatch(/too common/);
    expect(passwordProblem('tangerine orbit wallpaper')).toBeNull();
    // Code points, not UTF-16 units: 12 emoji are 12 characters.
    expect(passwordProblem('🔑'.repeat(12))).toBeNull();
    expect(passwordProblem('🔑'.repeat(11))).toMatch(/at least 12/);
  });

  it('hashes with scrypt and verifies', async () => {
    const hash = await hashPassword('tangerine orbit wallpaper');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('tangerine orbit wallpaper', hash)).toBe(true);
    expect(await verifyPassword('tangerine orbit wallpapers', hash)).toBe(false);
  });
});

describe('secrets', () => {
  it('makes API keys of atr_ + 43 base62 characters with an 8-character visible prefix', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const key = generateApiKey();
      expect(key.secret).toMatch(/^atr_[0-9A-Za-z]{43}$/);
      expect(key.prefix).toBe(key.secret.slice(0, 12));
      expect(key.hash).toBe(sha256(key.secret));
      seen.add(key.secret);
    }
    expect(seen.size).toBe(50);
    expect(randomBase62(32)).toHaveLength(43);
  });

  it('binds the CSRF token to the session token without revealing it or its hash', () => {
    const a = csrfTokenFor('token-a');
    expect(a).toBe(csrfTokenFor('token-a'));
    expect(a).not.toBe(csrfTokenFor('token-b'));
    expect(a).not.toContain('token-a');
    expect(a).not.toBe(sha256('token-a'));
  });
});

describe('SSO configuration', () => {
  it('is off without an issuer, and the google preset sets the issuer and name', () => {
    expect(loadConfig({}).oidc).toBeNull();
    expect(
      loadConfig({ OIDC_PROVIDER: 'google', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 's' }).oidc,
    ).toEqual({
      issuer: 'https://accounts.google.com',
      clientId: 'id',
      clientSecret: 's',
      providerName: 'Google',
    });
    expect(
      loadConfig({
        OIDC_ISSUER: 'https://sso.acme.example',
        OIDC_CLIENT_ID: 'id',
        OIDC_PROVIDER_NAME: 'Acme',
      }).oidc,
    ).toEqual({
      issuer: 'https://sso.acme.example',
      clientId: 'id',
      clientSecret: null,
      providerName: 'Acme',
    });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ OIDC_PROVIDER: 'gogle', OIDC_CLIENT_ID: 'id' })).toThrow(/OIDC_PROVIDER/);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://sso.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://sso.example' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => loadConfig({ OIDC_ISSUER: 'ftp://sso.example', OIDC_CLIENT_ID: 'x' })).toThrow(
      /OIDC_ISSUER/,
    );
    expect(() => loadConfig({ SESSION_IDLE_HOURS: 'soon' })).toThrow(/SESSION_IDLE_HOURS/);
  });
});
