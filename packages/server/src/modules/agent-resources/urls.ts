import type { FieldIssue } from '../../errors';

/** Accepts only absolute https URLs (logos, recordings): no `javascript:`, no mixed content. */
export function httpsUrlIssue(value: string, path: string): FieldIssue | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:') return { path, message: 'must be an https:// URL' };
    return null;
  } catch {
    return { path, message: 'must be an absolute https:// URL' };
  }
}
