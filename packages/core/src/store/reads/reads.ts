import { parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { AuditEventSchema, assertReportId, type IndexEntry, isReportId } from "../../schema/index.js";
import type { StoreContext } from "../shared/context.js";
import { invalidInput, notFound } from "../shared/inputChecks.js";
import { auditPath, outlinePath, reportDir } from "../shared/layout.js";
import { instantOf } from "../shared/timestamps.js";
import type { HistoryEvent, ListOptions } from "../shared/types.js";
import { committedEntries } from "./committedEntries.js";
import { resolveAmong } from "./resolveReport.js";
import { unrecoveredCrash } from "./unrecoveredCrash.js";

/**
 * Report `id`'s audit events in commit order, legacy lines and salvaged glued records included,
 * each with its line number. An unacknowledged torn tail is not an event and is left out; damage
 * in the middle is not hidden. Never writes.
 *
 * @throws LivingReportsError INVALID_ID, NOT_FOUND, CORRUPT_LOG (with `line`) for a damaged line
 *   or an event that does not validate
 */
export async function readHistory(ctx: StoreContext, id: string): Promise<HistoryEvent[]> {
  assertReportId(id);
  let bytes: Uint8Array;
  try {
    bytes = await ctx.backend.readFile(auditPath(id));
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
    await ctx.backend.stat(reportDir(id)).catch((e: unknown) => {
      throw isLivingReportsError(e, ErrorCode.NOT_FOUND) ? notFound(id) : e;
    });
    return [];
  }
  const read = parseAuditLog(bytes);
  const problem = read.problems[0];
  if (problem !== undefined) {
    throw new LivingReportsError(ErrorCode.CORRUPT_LOG, `${auditPath(id)}: ${problem.message}`, {
      id,
      path: auditPath(id),
      line: problem.line,
      details: { problems: read.problems },
    });
  }
  return read.lines.map((l) => {
    const event = AuditEventSchema.safeParse(l.record);
    if (!event.success) {
      throw new LivingReportsError(
        ErrorCode.CORRUPT_LOG,
        `${auditPath(id)}: line ${l.line} is not a valid audit event: ${event.error.issues[0]?.message ?? ""}`,
        { id, path: auditPath(id), line: l.line, cause: event.error },
      );
    }
    // The outline a record carries (the commit point's copy) is not part of the event shown.
    const { outline: _outline, ...shown } = event.data;
    return { ...shown, line: l.line };
  });
}

/**
 * The index entries matching `options` (default: active and archived reports, most recently
 * updated first). Reads only what was appended to the index since the last call. Never writes.
 */
export async function listReports(ctx: StoreContext, options: ListOptions): Promise<IndexEntry[]> {
  const status = options.status ?? "live";
  if (!["active", "archived", "deleted", "all", "live"].includes(status)) {
    throw invalidInput(`status must be active, archived, deleted or all, got ${JSON.stringify(status)}`);
  }
  const tags = options.tags ?? [];
  await ctx.index.refresh();
  let entries = ctx.index.all();
  // After a crash not yet recovered, index lines of acknowledged commits may be missing.
  if (await unrecoveredCrash(ctx)) entries = await committedEntries(ctx, entries);
  const picked = entries
    .filter((e) =>
      status === "all" ? true : status === "live" ? e.status !== "deleted" : e.status === status,
    )
    .filter((e) => tags.every((t) => e.tags.includes(t)));
  const sort = options.sort ?? "updated";
  const byTitle = (a: IndexEntry, b: IndexEntry): number =>
    a.current_title.localeCompare(b.current_title) || a.report_id.localeCompare(b.report_id);
  if (sort === "title") return picked.sort(byTitle);
  if (sort !== "updated" && sort !== "created") throw invalidInput(`sort must be updated, created or title`);
  const key = sort === "updated" ? "updated_at" : "created_at";
  return picked.sort((a, b) => instantOf(b[key]) - instantOf(a[key]) || byTitle(a, b));
}

/**
 * The id `query` names: an existing report's exact id, then an exact title, then a unique
 * case-insensitive partial title or id prefix (among live reports in the index). Never writes.
 *
 * @throws LivingReportsError INVALID_INPUT (empty query), NOT_FOUND, AMBIGUOUS (`details.candidates`)
 */
export async function resolveReport(ctx: StoreContext, query: string): Promise<string> {
  if (typeof query !== "string" || query === "") throw invalidInput("an id or title is required");
  if (isReportId(query)) {
    try {
      await ctx.backend.stat(outlinePath(query));
      return query;
    } catch (err) {
      if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
    }
  }
  await ctx.index.refresh();
  return resolveAmong(ctx.index.all(), query);
}
