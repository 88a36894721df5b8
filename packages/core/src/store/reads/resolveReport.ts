import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { IndexEntry } from "../../schema/index.js";

/**
 * Picks the one live report that `query` names among index entries (docs/CLI.md): an exact id, then
 * an exact title, then a unique case-insensitive partial title or id prefix.
 *
 * @throws LivingReportsError NOT_FOUND when nothing matches; AMBIGUOUS with
 *   `details.candidates` `[{ report_id, title }]` when a step matches several reports
 */
export function resolveAmong(entries: Iterable<IndexEntry>, query: string): string {
  const live = [...entries].filter((e) => e.status !== "deleted");
  const byId = live.find((e) => e.report_id === query);
  if (byId !== undefined) return byId.report_id;
  const exact = live.filter((e) => e.current_title === query);
  if (exact.length > 0) return single(exact, query);
  const needle = query.toLowerCase();
  if (needle.trim() !== "") {
    const partial = live.filter(
      (e) => e.current_title.toLowerCase().includes(needle) || e.report_id.startsWith(needle),
    );
    if (partial.length > 0) return single(partial, query);
  }
  throw new LivingReportsError(ErrorCode.NOT_FOUND, `no report matches ${JSON.stringify(query)}`, {
    details: { query },
  });
}

function single(matches: IndexEntry[], query: string): string {
  const [first, ...rest] = matches;
  if (first !== undefined && rest.length === 0) return first.report_id;
  const candidates = matches
    .map((e) => ({ report_id: e.report_id, title: e.current_title }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.report_id.localeCompare(b.report_id));
  throw new LivingReportsError(
    ErrorCode.AMBIGUOUS,
    `${JSON.stringify(query)} matches ${matches.length} reports: ${candidates
      .map((c) => `${c.report_id} (${c.title})`)
      .join(", ")}`,
    { details: { query, candidates } },
  );
}
