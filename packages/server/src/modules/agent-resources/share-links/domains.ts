import { type FieldIssue, validationFailed } from '../../../errors';

/**
 * A host name as a browser sends it in `Origin` (ASCII/punycode, lower
 * case), optionally `*.`-prefixed for every subdomain; `localhost` allowed
 * for development.
 */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Normalises and validates authorized domains; the issues name each bad entry. */
export function parseDomains(domains: readonly string[]): string[] {
  const issues: FieldIssue[] = [];
  const out: string[] = [];
  domains.forEach((raw, i) => {
    const d = raw.trim().toLowerCase().replace(/\.$/, '');
    const hasDot = d.includes('.') || d === 'localhost';
    if (!DOMAIN.test(d) || !hasDot || d === '*.' || d.includes('/') || d.includes(':')) {
      issues.push({
        path: `/body/authorizedDomains/${i}`,
        message: 'must be a host name such as example.com or *.example.com',
      });
    } else if (!out.includes(d)) out.push(d);
  });
  if (issues.length) throw validationFailed(issues);
  return out;
}

/** Whether a page host may embed a link: exact match, or `*.example.com` for any subdomain of example.com. */
export function domainAllowed(host: string, authorized: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return authorized.some((d) => (d.startsWith('*.') ? h.endsWith(d.slice(1)) : h === d));
}
