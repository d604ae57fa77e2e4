import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../../auth/password';
import type { DB } from '../../db/schema';
import { validationFailed } from '../../errors';
import { requireGoodPassword } from '../auth/credentials';
import { getMe } from './queries';

/**
 * Checks a password change before its command runs (scrypt stays outside the
 * transaction): the current password is required — an SSO-only account has
 * none and sets one through the reset link — and the new one must be good
 * and different. Returns the new password's hash.
 */
export async function preparePasswordChange(
  db: Kysely<DB>,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<string> {
  const user = await getMe(db, userId);
  if (!user.password_hash || !(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw validationFailed(
      [{ path: '/body/currentPassword', message: 'is not your current password' }],
      'currentPassword is not your current password',
    );
  }
  requireGoodPassword(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw validationFailed([{ path: '/body/newPassword', message: 'must differ from the current password' }]);
  }
  return hashPassword(input.newPassword);
}
