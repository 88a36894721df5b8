import type { IndexEntry, Outline } from "../../schema/index.js";
import { statusOf, tagsOf } from "../index/indexLines.js";
import { INDEX_FILE, reportDir } from "../shared/layout.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import { type NumberedEntry, readIndexLines } from "./readIndexLines.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/**
 * The reports found under `by_id/` that have an `outline.json`: the validated outline, or null
 * when the file exists but does not validate (its entry cannot be compared, but it must exist).
 */
export type OutlinesById = ReadonlyMap<string, Outline | null>;

/**
 * G5: every line of `index.jsonl` is a valid IndexEntry (INDEX_CORRUPT_LINE with its number);
 * folding the lines (the last per report wins), every report with an outline has a live entry
 * (INDEX_MISSING_ENTRY) with its current title, `metadata.tags`, status and path
 * (INDEX_STALE_ENTRY), and no live entry names a report without an outline
 * (INDEX_UNKNOWN_REPORT: a deleted report must be tombstoned). A report in `deletesPending` (its
 * log ends with its delete event, its move is pending) may have its tombstone, or the live entry
 * from before.
 *
 * @param only - check the entry of this one report (bad lines are reported anyway: any of them
 *   might have been its entry)
 */
export async function checkIndex(
  access: ReadOnlyAccess,
  problems: ProblemList,
  outlines: OutlinesById,
  deletesPending: ReadonlySet<string>,
  only?: string,
): Promise<void> {
  const bytes = await access.readFile(INDEX_FILE);
  const { entries, bad } = readIndexLines(bytes ?? new Uint8Array(0));
  for (const { line, message } of bad) {
    problems.add(VerifyCode.INDEX_CORRUPT_LINE, message, { file: INDEX_FILE, line });
  }
  const current = new Map<string, NumberedEntry>();
  for (const numbered of entries) current.set(numbered.entry.report_id, numbered);

  for (const [id, outline] of outlines) {
    if (only !== undefined && id !== only) continue;
    const found = current.get(id);
    // A committed delete whose move is pending: its tombstone is its right entry.
    if (found?.entry.status === "deleted" && deletesPending.has(id)) continue;
    if (found === undefined || found.entry.status === "deleted") {
      const why = found === undefined ? "no entry" : `only a tombstone (line ${found.line})`;
      problems.add(VerifyCode.INDEX_MISSING_ENTRY, `report ${id} has an outline but ${why} in the index`, {
        report_id: id,
        file: INDEX_FILE,
      });
      continue;
    }
    const differences = outline === null ? [] : differencesFrom(found.entry, outline);
    if (found.entry.path !== reportDir(id)) differences.push(`path ${found.entry.path}`);
    if (differences.length > 0) {
      problems.add(VerifyCode.INDEX_STALE_ENTRY, `index entry of ${id} differs: ${differences.join("; ")}`, {
        report_id: id,
        file: INDEX_FILE,
        line: found.line,
      });
    }
  }

  for (const [id, { entry, line }] of current) {
    if (only !== undefined && id !== only) continue;
    if (entry.status === "deleted" || outlines.has(id)) continue;
    problems.add(
      VerifyCode.INDEX_UNKNOWN_REPORT,
      `index lists report ${id} as ${entry.status}, but it has no outline (a deleted report needs a tombstone)`,
      { report_id: id, file: INDEX_FILE, line },
    );
  }
}

/** What the entry says that the outline does not: title, tags (as a set), status. */
function differencesFrom(entry: IndexEntry, outline: Outline): string[] {
  const out: string[] = [];
  if (entry.current_title !== outline.title) {
    out.push(`title ${JSON.stringify(entry.current_title)}, outline has ${JSON.stringify(outline.title)}`);
  }
  const tags = tagsOf(outline);
  if (!sameSet(entry.tags, tags)) {
    out.push(`tags ${JSON.stringify(entry.tags)}, outline has ${JSON.stringify(tags)}`);
  }
  const status = statusOf(outline);
  if (entry.status !== status) out.push(`status ${entry.status}, outline has ${status}`);
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}
