/**
 * Masking of personal data in transcripts (docs/rules.md §2: `analytics.conversation_pii`
 * is "unmasked personal data in transcripts"). Whoever lacks read on that item
 * sees emails and phone numbers replaced; the stored transcript is untouched
 * unless the agent's privacy settings ask for redaction at ingest.
 */

/** Email addresses, including internationalised local parts and domains. */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;

/**
 * Phone numbers: an optional `+` and country code, then at least 7 digits in
 * groups separated by spaces, dots, dashes or parentheses. Deliberately
 * generous: masking a number that is not a phone costs little, leaking one
 * costs a lot.
 */
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}])/gu;

/** Dates such as 2026-11-23 look like digit groups but are not personal data. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const EMAIL_MASK = '[email]';
export const PHONE_MASK = '[phone]';

/**
 * The text with emails and phone numbers replaced by `[email]` / `[phone]`.
 *
 * @example
 * ```ts
 * maskPii('Mail me at jo@example.com or +1 (555) 010-9999'); // 'Mail me at [email] or [phone]'
 * ```
 */
export function maskPii(text: string): string {
  return text
    .replace(EMAIL, EMAIL_MASK)
    .replace(PHONE, (m) => (digitCount(m) >= 7 && !ISO_DATE.test(m.trim()) ? PHONE_MASK : m));
}

function digitCount(s: string): number {
  let n = 0;
  for (const c of s) if (c >= '0' && c <= '9') n++;
  return n;
}
