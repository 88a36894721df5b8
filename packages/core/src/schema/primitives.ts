import { z } from "zod";

/**
 * A report id: a canonical UUID, lowercase, `8-4-4-4-12` hex digits. Ids become directory names
 * (`by_id/<report_id>`), so nothing else is accepted (G8); uppercase is refused rather than folded
 * so that one report has exactly one path.
 */
export const ReportIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "not a canonical lowercase UUID");

/**
 * A section, insight or action id: a UUID in `8-4-4-4-12` form, either case (the Python models
 * accept any UUID; these ids never become paths).
 */
export const UuidSchema = z.guid();

/**
 * An ISO 8601 timestamp with an offset: `2026-03-01T10:12:10+00:00` as Python writes it, or
 * `...Z`, with any fraction of a second. Compare timestamps by instant (`Date.parse`), not as text.
 */
export const TimestampSchema = z.iso.datetime({ offset: true });

/**
 * Where `value` holds something JSON cannot carry as it is: a number that is not finite
 * (`1e400` parses to Infinity, which JSON.stringify would store as `null`), a bigint, a function
 * or a symbol. Walks with an explicit stack (deep values cannot overflow it) and stops at a cycle.
 * Returns the path to the first such value and what it is, or undefined.
 */
export function firstNonJsonValue(value: unknown): { path: (string | number)[]; what: string } | undefined {
  const seen = new Set<object>();
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; path: (string | number)[] };
    const v = top.value;
    if (typeof v === "number" && !Number.isFinite(v)) return { path: top.path, what: `the number ${v}` };
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol")
      return { path: top.path, what: `a ${typeof v}` };
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v))
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: [...top.path, i] });
    else for (const [k, child] of Object.entries(v)) stack.push({ value: child, path: [...top.path, k] });
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A free-form JSON object (`metadata`, `payload`, ...), kept exactly: every own key survives,
 * `__proto__` included (zod's `z.record` builds its result by assignment, which turns a
 * `__proto__` key into a prototype change and drops it). The result is a fresh object built with
 * `Object.fromEntries` (own data properties: no prototype is ever set). Values JSON cannot keep
 * (see {@link firstNonJsonValue}) are refused, naming their path, instead of being written as
 * `null` or dropped.
 */
export const JsonRecordSchema = z
  .custom<Record<string, unknown>>(isRecord, "expected an object")
  .superRefine((value, ctx) => {
    const bad = firstNonJsonValue(value);
    if (bad !== undefined)
      ctx.addIssue({ code: "custom", path: bad.path, message: `${bad.what} cannot be stored as JSON` });
  })
  .transform((value): Record<string, unknown> => Object.fromEntries(Object.entries(value)));

/** 64 lowercase hex digits: a SHA-256. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "not a lowercase hex SHA-256");
