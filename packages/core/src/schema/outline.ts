import { z } from "zod";
import { JsonRecordSchema, ReportIdSchema, TimestampSchema, UuidSchema } from "./primitives.js";

/** An optional string field, which the Python module writes as `null` when unset. */
const optionalString = z.string().nullable().exactOptional();

/** A dataset a query ran against (deprecated: `supporting_queries`). Strict. */
export const DatasetSourceSchema = z.strictObject({
  execution_id: optionalString,
  sql_sha256: optionalString,
  cache_manifest: optionalString,
  cache_only: z.boolean().default(false),
  profile: optionalString,
  warehouse: optionalString,
  database: optionalString,
  schema: optionalString,
  role: optionalString,
});

/** Where an insight comes from. Strict. */
export const CitationSchema = z.strictObject({
  source: z.enum(["query", "api", "url", "observation", "document"]),
  provider: optionalString,
  description: optionalString,
  execution_id: optionalString,
  query_id: optionalString,
  sql_sha256: optionalString,
  cache_manifest: optionalString,
  url: optionalString,
  title: optionalString,
  accessed_at: optionalString,
  endpoint: optionalString,
  response_hash: optionalString,
  path: optionalString,
  page: optionalString,
  observed_at: optionalString,
});

/** One finding of a report. Strict; defaults as docs/FORMAT.md#data-model. */
export const InsightSchema = z.strictObject({
  insight_id: UuidSchema,
  importance: z.int().min(0).max(10),
  status: z.enum(["active", "archived", "killed"]).default("active"),
  summary: z.string().min(1),
  supporting_queries: z.array(DatasetSourceSchema).default([]),
  citations: z.array(CitationSchema).default([]),
  draft_changes: JsonRecordSchema.nullable().default(null),
  metadata: JsonRecordSchema.default({}),
});

/**
 * One section of a report. Strict; `content_format` defaults to `markdown` (the Python model also
 * lets it be `null`, so that is read too).
 */
export const SectionSchema = z.strictObject({
  section_id: UuidSchema,
  title: z.string().min(1),
  order: z.int().min(0),
  insight_ids: z.array(z.string()).default([]),
  notes: optionalString,
  content: optionalString,
  content_format: z.enum(["markdown", "html", "plain"]).nullable().default("markdown"),
  metadata: JsonRecordSchema.default({}),
});

/**
 * A report's outline, as stored in `outline.json`. Strict (unknown keys are rejected); field
 * names are snake_case as on disk. `metadata` is free; by convention it holds `tags: string[]`
 * and `status`.
 */
export const OutlineSchema = z.strictObject({
  report_id: ReportIdSchema,
  title: z.string().min(1),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  version: z.string().default("1.0"),
  outline_version: z.int().min(1).default(1),
  sections: z.array(SectionSchema).default([]),
  insights: z.array(InsightSchema).default([]),
  metadata: JsonRecordSchema.default({}),
});

/** A validated outline (defaults filled in). */
export type Outline = z.output<typeof OutlineSchema>;
/** What {@link OutlineSchema} accepts (fields with defaults may be missing). */
export type OutlineInput = z.input<typeof OutlineSchema>;
/** A validated section. */
export type Section = z.output<typeof SectionSchema>;
/** A validated insight. */
export type Insight = z.output<typeof InsightSchema>;
/** A validated citation. */
export type Citation = z.output<typeof CitationSchema>;
/** A validated dataset source. */
export type DatasetSource = z.output<typeof DatasetSourceSchema>;
