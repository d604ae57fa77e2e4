import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

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
    expect(loadConfig({ ATRIUM_MODE: 'production' }).seedDemo).toBe(false);
  });
});
