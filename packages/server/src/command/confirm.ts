import { problem } from '../errors';

/** Requires a typed confirmation (docs/rules.md §4 "Deleting asks the person to type its email or name"). */
export function requireConfirmation(given: string | undefined, expected: string, what: string): void {
  if ((given ?? '').trim() !== expected) {
    throw problem('confirmation_mismatch', `Type the ${what} exactly to confirm`, {
      errors: [{ path: '/body/confirm', message: `must equal the ${what}` }],
    });
  }
}
