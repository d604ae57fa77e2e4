/**
 * A timestamp column as ISO 8601. (The schema's `Generated<Timestamp>`
 * columns read back as `Date` at run time; their static type is wider.)
 */
export function isoOf(value: unknown): string {
  return new Date(value as string | Date).toISOString();
}

/** Like {@link isoOf}, keeping null. */
export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoOf(value);
}
