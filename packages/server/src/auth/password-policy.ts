import { dictionary } from '@zxcvbn-ts/language-common';

/** NIST SP 800-63B §5.1.1.2: at least 8 (we ask 12), no composition rules, a blocklist. */
const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; bounds the work one request can cause. */
const MAX_PASSWORD_LENGTH = 256;

/** zxcvbn's common-password list only (its dictionaries, not its scoring). */
const COMMON = new Set(
  (dictionary['passwords-common'] as string[]).filter((p) => p.length >= MIN_PASSWORD_LENGTH),
);

/**
 * Why a new password is refused, or null when it is acceptable. Length is
 * counted in Unicode code points; comparison with the list ignores case.
 */
export function passwordProblem(password: string): string | null {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (COMMON.has(password.toLowerCase())) return 'is too common: it appears in lists of leaked passwords';
  return null;
}
