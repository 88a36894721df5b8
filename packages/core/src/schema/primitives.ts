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

/** A free-form JSON object (`metadata`, `payload`, ...). */
export const JsonRecordSchema = z.record(z.string(), z.unknown());

/** 64 lowercase hex digits: a SHA-256. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "not a lowercase hex SHA-256");
