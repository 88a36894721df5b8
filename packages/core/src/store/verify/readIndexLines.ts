import { describeIssues, type IndexEntry, IndexEntrySchema } from "../../schema/index.js";

/** A valid index line and where it is. */
export interface NumberedEntry {
  line: number;
  entry: IndexEntry;
}

/** What {@link readIndexLines} found: valid entries in file order and bad lines by number. */
export interface IndexLines {
  entries: NumberedEntry[];
  bad: { line: number; message: string }[];
}

/**
 * Parses every line of `index.jsonl` for verify, keeping 1-based line numbers so that problems
 * can name them (the store's incremental reader does not need them). Blank lines are skipped as
 * the Python reader skips them; a last line without `\n` is an append cut short and counts as
 * bad, since nothing may rely on it. Never throws on content.
 */
export function readIndexLines(bytes: Uint8Array): IndexLines {
  const out: IndexLines = { entries: [], bad: [] };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const rows = text.split("\n");
  // What follows the last "\n" ("" when the file ends with one) is not a complete line.
  const complete = rows.length - 1;
  rows.forEach((row, i) => {
    const line = i + 1;
    if (i >= complete) {
      if (row !== "")
        out.bad.push({ line, message: "incomplete last line (no newline): an append cut short" });
      return;
    }
    if (row.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (err) {
      out.bad.push({ line, message: `not JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = IndexEntrySchema.safeParse(value);
    if (parsed.success) out.entries.push({ line, entry: parsed.data });
    else out.bad.push({ line, message: `not an IndexEntry: ${describeIssues(parsed.error)}` });
  });
  return out;
}
