import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../auth/email';
import { hashPassword, verifyPassword } from '../../auth/password';
import { passwordProblem } from '../../auth/password-policy';
import { randomToken } from '../../auth/tokens';
import type { Config } from '../../config';
import type { DB, User } from '../../db/schema';
import { problem, validationFailed } from '../../errors';
import { findSignInFailures, findUserByEmail } from './repo';

/**
 * Checks that come before a command's transaction: input validation and the
 * slow password hashing (scrypt), kept outside so no transaction (and, on
 * PGlite, the one connection) waits on it.
 */

/** 400 validation_failed naming `/body/<field>`. */
export function invalid(field: string, message: string) {
  return validationFailed([{ path: `/body/${field}`, message }], `${field} ${message}`);
}

/** The normalised email, or 400 naming the field. */
export function requireEmail(raw: string, field = 'email'): string {
  const email = normalizeEmail(raw);
  if (!email) throw invalid(field, 'is not a valid email address');
  return email;
}

/** Refuses a weak new password with 400 naming the field. */
export function requireGoodPassword(password: string, field = 'password'): void {
  const issue = passwordProblem(password);
  if (issue) throw invalid(field, issue);
}

/** A sign-up form, validated, with the password hashed. */
export async function prepareSignUp(input: { email: string; password: string; name: string }) {
  const email = requireEmail(input.email);
  const name = input.name.trim();
  if (!name) throw invalid('name', 'must not be empty');
  requireGoodPassword(input.password);
  return { email, name, passwordHash: await hashPassword(input.password) };
}

/** A hash of a random password, verified against when the email is unknown so timing matches. */
let dummyHash: Promise<string> | null = null;
function timingDummy(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

/** What a password sign-in attempt found. */
export type CredentialCheck =
  | { ok: true; email: string; user: User }
  | { ok: false; email: string; user: User | null };

/**
 * Checks an email and password. Unknown email and wrong password cost the
 * same work (a scrypt verification either way). Past SIGN_IN_MAX_FAILURES
 * failures of the address in the window, answers 429 `rate_limited` until
 * the window ends, without checking the password.
 */
export async function checkCredentials(
  db: Kysely<DB>,
  config: Config,
  input: { email: string; password: string },
): Promise<CredentialCheck> {
  const email = normalizeEmail(input.email) ?? input.email.trim().toLowerCase().slice(0, 320);
  const windowMs = config.signInFailureWindowMinutes * 60_000;
  const failures = await findSignInFailures(db, email);
  if (failures) {
    const endsAt = new Date(failures.window_started_at).getTime() + windowMs;
    if (endsAt > Date.now() && failures.failures >= config.signInMaxFailures) {
      const retryAfter = Math.max(1, Math.ceil((endsAt - Date.now()) / 1000));
      throw problem('rate_limited', `Too many failed sign-ins for this account; retry in ${retryAfter} s`, {
        retryAfter,
      });
    }
  }
  const user = await findUserByEmail(db, email);
  const ok = user?.password_hash
    ? await verifyPassword(input.password, user.password_hash)
    : (await verifyPassword(input.password, await timingDummy())) && false;
  return ok && user ? { ok: true, email, user } : { ok: false, email, user: user ?? null };
}
