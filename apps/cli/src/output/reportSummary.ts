import type { Outline } from "@living-reports/core";

/** What mutating commands print with `--json`: the report's state after the change. */
export interface ReportSummary {
  report_id: string;
  title: string;
  outline_version: number;
  status: string;
  tags: string[];
  updated_at: string;
}

/** `metadata.tags` of an outline, keeping only strings (the metadata record is free-form). */
export function tagsOf(outline: Outline): string[] {
  const tags = outline.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** `metadata.status` of an outline, `active` when unset. */
export function statusOf(outline: Outline): string {
  const status = outline.metadata.status;
  return typeof status === "string" ? status : "active";
}

/** The summary of an outline. */
export function summarize(outline: Outline): ReportSummary {
  return {
    report_id: outline.report_id,
    title: outline.title,
    outline_version: outline.outline_version,
    status: statusOf(outline),
    tags: tagsOf(outline),
    updated_at: outline.updated_at,
  };
}

/** One line for the terminal: `<verb> <id> "title" (version N)`. */
export function summaryLine(verb: string, outline: Outline): string {
  return `${verb} ${outline.report_id} "${outline.title}" (version ${outline.outline_version})`;
}
