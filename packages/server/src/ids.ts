import { notFound } from './errors';

/** A UUID in its text form (any case). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (ids from request bodies are checked before they reach a uuid column). */
export function isUuid(id: string): boolean {
  return UUID_RE.test(id);
}

/** Throws 404 for an id that cannot exist (not a UUID), before it reaches SQL. */
export function requireUuid(id: string, what: string): string {
  if (!UUID_RE.test(id)) throw notFound(what);
  return id;
}
