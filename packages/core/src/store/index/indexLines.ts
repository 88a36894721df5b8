import { type IndexEntry, IndexEntrySchema, type Outline } from "../../schema/index.js";
import { reportDir } from "../shared/layout.js";
import type { ReportStatus } from "../shared/types.js";

/** A bad line of `index.jsonl`, by 1-based line number. */
export interface IndexLineProblem {
  line: number;
  message: string;
}

/** What {@link parseIndexChunk} read from a run of complete lines. */
export interface ParsedIndexChunk {
  /** Valid entries in file order (the last per report wins when folded). */
  entries: IndexEntry[];
  problems: IndexLineProblem[];
  /** Bytes consumed: up to and including the last `\n`; a trailing partial line is left unread. */
  consumed: number;
  /** Complete lines consumed (blank ones included). */
  lines: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false });
const NEWLINE = 0x0a;

/**
 * Parses the complete lines of a chunk of `index.jsonl`. A trailing line without `\n` is not
 * consumed (an append in flight, or a torn one that recovery rebuilds): the caller re-reads it
 * later. Never throws on content; every bad line is reported with its number.
 *
 * @param firstLine - the 1-based number of the chunk's first line in the file
 */
export function parseIndexChunk(bytes: Uint8Array, firstLine: number): ParsedIndexChunk {
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  const out: ParsedIndexChunk = { entries: [], problems: [], consumed: end, lines: 0 };
  if (end === 0) return out;
  const rows = decoder.decode(bytes.subarray(0, end - 1)).split("\n");
  out.lines = rows.length;
  rows.forEach((row, i) => {
    if (row.trim() === "") return;
    const line = firstLine + i;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (err) {
      out.problems.push({ line, message: `not JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = IndexEntrySchema.safeParse(value);
    if (parsed.success) out.entries.push(parsed.data);
    else out.problems.push({ line, message: parsed.error.issues[0]?.message ?? "invalid index entry" });
  });
  return out;
}

/** One index line: the plain IndexEntry as JSON, then `\n`. */
export function encodeIndexEntry(entry: IndexEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** The tags of an outline: `metadata.tags` when it is a list of strings, else none. */
export function tagsOf(outline: Outline): string[] {
  const tags = outline.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** The status of an outline: `metadata.status` when it is `archived`, else `active`. */
export function statusOf(outline: Outline): ReportStatus {
  return outline.metadata.status === "archived" ? "archived" : "active";
}

/** The index entry that describes an outline (or its tombstone, with `deleted`). */
export function indexEntryFor(outline: Outline, deleted = false): IndexEntry {
  return {
    report_id: outline.report_id,
    current_title: outline.title,
    created_at: outline.created_at,
    updated_at: outline.updated_at,
    tags: tagsOf(outline),
    status: deleted ? "deleted" : statusOf(outline),
    path: reportDir(outline.report_id),
  };
}
