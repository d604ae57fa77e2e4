import { describe, expect, it } from 'vitest';
import { maskPii } from './pii';
import { domainAllowed, parseDomains } from './share-links/domains';

describe('maskPii', () => {
  it.each([
    ['write to jo.lee+orders@example.co.uk today', 'write to [email] today'],
    ['josé@ejemplo.es', '[email]'],
    ['call +1 (415) 555-0142 now', 'call [phone] now'],
    ['or 020 7946 0958.', 'or [phone].'],
    ['mobile: 07700900123', 'mobile: [phone]'],
    ['+44 20 7946 0958 / jo@example.com', '[phone] / [email]'],
  ])('masks %s', (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });

  it.each([
    'order #4411 ships on 2026-11-23',
    'shipping costs $12 and takes 5–7 days',
    'refund R-2291 at 10:00–16:00',
    'version 1.2.3',
  ])('leaves %s alone', (input) => {
    expect(maskPii(input)).toBe(input);
  });
});

describe('authorized domains', () => {
  it('normalises, de-duplicates and accepts wildcards', () => {
    expect(parseDomains([' Example.COM ', 'example.com', '*.shop.example.com', 'localhost'])).toEqual([
      'example.com',
      '*.shop.example.com',
      'localhost',
    ]);
  });

  it('rejects URLs, ports, paths and bare words, naming each bad entry', () => {
    try {
      parseDomains(['https://example.com', 'example.com:8080', 'intranet', 'ok.example', '*.']);
      expect.unreachable();
    } catch (err) {
      const paths = (err as { extra: { errors: { path: string }[] } }).extra.errors.map((e) => e.path);
      expect(paths).toEqual([
        '/body/authorizedDomains/0',
        '/body/authorizedDomains/1',
        '/body/authorizedDomains/2',
        '/body/authorizedDomains/4',
      ]);
    }
  });

  it('a wildcard covers subdomains only, an exact name only itself', () => {
    expect(domainAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(domainAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(domainAllowed('badexample.com', ['*.example.com', 'example.com'])).toBe(false);
    expect(domainAllowed('Example.com.', ['example.com'])).toBe(true);
  });
});
