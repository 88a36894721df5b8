import { z } from "zod";
import { ReportIdSchema, TimestampSchema } from "./primitives.js";

/** A report's status as the index records it; `deleted` is a tombstone. */
export const IndexStatusSchema = z.enum(["active", "archived", "deleted"]);
/** An index status. */
export type IndexStatus = z.output<typeof IndexStatusSchema>;

/**
 * One line of `index.jsonl` (plain JSON, no framing). Strict. The last line per `report_id`
 * wins. `path` is `by_id/<report_id>` as the Python module writes it (that it names this entry's
 * own id is the index reader's check).
 */
export const IndexEntrySchema = z.strictObject({
  report_id: ReportIdSchema,
  current_title: z.string().min(1),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  tags: z.array(z.string()).default([]),
  status: IndexStatusSchema.default("active"),
  path: z
    .string()
    .regex(/^by_id\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "not by_id/<report_id>"),
});

/** A validated index entry. */
export type IndexEntry = z.output<typeof IndexEntrySchema>;
