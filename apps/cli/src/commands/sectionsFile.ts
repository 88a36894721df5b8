import {
  describeIssues,
  ErrorCode,
  type Insight,
  InsightSchema,
  LivingReportsError,
  type Section,
  SectionSchema,
} from "@living-reports/core";
import { readInputFile } from "../inputFile.js";
import type { CliIo } from "../io.js";

/** The sections (and the insights they refer to) that a new report starts with. */
export interface InitialContent {
  sections: Section[];
  insights: Insight[];
}

function invalid(path: string, message: string, cause?: unknown): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, `${path}: ${message}`, { path, cause });
}

/**
 * Reads `--sections-file`: a JSON array of Sections, or an object `{ "sections": [...],
 * "insights": [...] }` (sections name insights by id, so insights come along in the object form).
 * Each item is checked against the strict schema here, so a bad file fails before the store opens.
 *
 * @throws LivingReportsError INVALID_INPUT naming the file and the first bad item; NOT_FOUND etc. reading it
 */
export async function readSectionsFile(io: CliIo, file: string): Promise<InitialContent> {
  const { bytes, path } = await readInputFile(io, file);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw invalid(path, "is not valid UTF-8 JSON", err);
  }
  const isRecord = typeof value === "object" && value !== null && !Array.isArray(value);
  const record = isRecord ? (value as Record<string, unknown>) : {};
  const rawSections = Array.isArray(value) ? value : record.sections;
  const rawInsights = Array.isArray(value) ? [] : (record.insights ?? []);
  if (!Array.isArray(rawSections) || !Array.isArray(rawInsights)) {
    throw invalid(path, 'expected an array of sections or { "sections": [...], "insights": [...] }');
  }
  const extra = Object.keys(record).filter((k) => k !== "sections" && k !== "insights");
  if (extra.length > 0) throw invalid(path, `unknown keys: ${extra.join(", ")}`);
  const sections = rawSections.map((item, i) => {
    const parsed = SectionSchema.safeParse(item);
    if (!parsed.success) throw invalid(path, `sections[${i}]: ${describeIssues(parsed.error)}`, parsed.error);
    return parsed.data;
  });
  const insights = rawInsights.map((item, i) => {
    const parsed = InsightSchema.safeParse(item);
    if (!parsed.success) throw invalid(path, `insights[${i}]: ${describeIssues(parsed.error)}`, parsed.error);
    return parsed.data;
  });
  return { sections, insights };
}
