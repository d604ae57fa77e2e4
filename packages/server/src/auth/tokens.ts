import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex of a secret: how every client-held secret (session, link, API key) is stored. */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** An opaque random token (32 bytes, base64url): session cookies and emailed links. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `bytes` random bytes written in base62 (as a big-endian number), so the
 * result is URL- and shell-safe and double-click selectable. 32 bytes give
 * 43 characters (left-padded so every secret has the same length).
 */
export function randomBase62(bytes = 32): string {
  let n = BigInt(`0x${randomBytes(bytes).toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  const width = Math.ceil((bytes * 8) / Math.log2(62));
  return out.padStart(width, '0');
}

/** Constant-time string comparison (different lengths compare unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The CSRF token bound to a session: an HMAC keyed by the session token, so
 * it is recomputable on every request without storing it, useless without
 * the HttpOnly cookie, and reveals nothing about the token (nor equals its
 * stored hash).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('atrium csrf v1').digest('base64url');
}
