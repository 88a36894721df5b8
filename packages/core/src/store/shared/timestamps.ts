/**
 * Timestamps as the store writes them: ISO 8601 in UTC with `Z` (docs/FORMAT.md#data-model accepts it beside the
 * Python module's `+00:00`), and compact UTC stamps for trash folder names.
 */

/** `2026-03-01T09:07:13.123Z` */
export function isoTimestamp(date: Date): string {
  return date.toISOString();
}

/** `20260301T090713` (UTC), the suffix of a trash folder name. */
export function compactStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "");
}

/** Parses a {@link compactStamp} back into a Date, or `undefined` when it is not one. */
export function parseCompactStamp(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

/** Milliseconds since the epoch of an ISO 8601 timestamp (any offset), NaN when unparseable. */
export function instantOf(iso: string): number {
  return Date.parse(iso);
}
