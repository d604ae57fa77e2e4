/** Characters no real address needs and that hide a difference (see normalizeEmail). */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0]|\u034f|\u180b|\u180c|\u180d|\u180e|\u180f|[\u{e0000}-\u{e007f}]/u;

/** Variation selectors (U+FE00–FE0F, U+E0100–E01EF): invisible, and combining, so kept out of a class. */
function hasVariationSelector(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return true;
  }
  return false;
}

/**
 * Normalises an email address the way accounts are keyed (docs/rules.md §1, issue 4):
 * trimmed, Unicode NFC, lower-cased. Internationalised addresses (RFC 6531:
 * non-ASCII local part and domain) are accepted. Returns null when the value
 * is not shaped like an address: one `@`, a non-empty local part, a dotted
 * domain, no whitespace or control characters, at most 254 characters.
 */
export function normalizeEmail(raw: string): string | null {
  const normalized = raw.normalize('NFC');
  // Addresses that lie (issue 14): zero-width, bidi-control, other format or
  // private-use characters, unassigned code points and invisible fillers make
  // two different addresses look alike; refused after normalisation (before
  // trimming, which would silently drop a leading byte-order mark).
  if (INVISIBLE.test(normalized) || hasVariationSelector(normalized)) return null;
  const email = normalized.trim().toLowerCase();
  if (email.length < 3 || email.length > 254) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\s\u0000-\u001f\u007f<>()[\]\\,;:"]/u.test(email)) return null;
  const at = email.lastIndexOf('@');
  if (at < 1 || at !== email.indexOf('@')) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return null;
  }
  return email;
}
