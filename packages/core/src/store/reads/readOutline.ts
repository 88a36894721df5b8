import { committedHead, parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { assertReportId, type Outline, parseOutlineBytes } from "../../schema/index.js";
import { sha256Hex } from "../../util/hash.js";
import { committedTail } from "../audit/auditEvents.js";
import { judgeOutline, loggedShasOf } from "../audit/outlineVerdict.js";
import type { StoreContext } from "../shared/context.js";
import { readFileOrNull } from "../shared/files.js";
import { notFound } from "../shared/inputChecks.js";
import { auditPath, outlinePath, reportDir } from "../shared/layout.js";
import { pendingDeleteLocation } from "../shared/trashNames.js";
import { unrecoveredCrash } from "./unrecoveredCrash.js";

/** NOT_FOUND for a report whose delete committed, its move to `location` pending (`details.trash_location`). */
function deletedNotMoved(id: string, location: string): LivingReportsError {
  return new LivingReportsError(
    ErrorCode.NOT_FOUND,
    `report ${id} was deleted (its move into the trash is completed by the next write to it or by repair)`,
    { id, path: reportDir(id), details: { trash_location: location } },
  );
}

/**
 * Report `id`'s committed outline (limits included), as the log's head commits it: the bytes
 * of `outline.json` when they are the committed ones (checked against the end of the log only,
 * the common case), else, when the file is behind a head that carries its outline (a commit
 * whose files a crash cut, not yet rolled forward: docs/DESIGN.md#reading-after-a-crash), the
 * outline from the log; a manual edit not yet recorded reads as the file holds it. A report whose
 * log ends with its delete event is deleted, whether or not its folder has moved yet (NOT_FOUND
 * with `details.trash_location`). Never writes.
 *
 * @throws LivingReportsError INVALID_ID, NOT_FOUND, INVALID_OUTLINE, TOO_LARGE, TOO_DEEP, CORRUPT_FILE
 */
export async function readOutline(ctx: StoreContext, id: string): Promise<Outline> {
  assertReportId(id);
  const { backend } = ctx;
  const limits = ctx.options.limits;
  const file = await readFileOrNull(backend, outlinePath(id));
  if (file !== null) {
    const head = await committedHead(backend, auditPath(id));
    const deleted = head ? pendingDeleteLocation(head.record, id) : undefined;
    if (deleted !== undefined) throw deletedNotMoved(id, deleted);
    if (head === null || head?.sha === sha256Hex(file)) {
      return parseOutlineBytes(file, limits, outlinePath(id));
    }
  }
  const log = await readFileOrNull(backend, auditPath(id));
  const read = log === null ? undefined : parseAuditLog(log);
  // A damaged log is not second-guessed here: the file is what there is (verify reports the log).
  if (read !== undefined && read.problems.length === 0) {
    const deleted = pendingDeleteLocation(read.lines.at(-1)?.record, id);
    if (deleted !== undefined) throw deletedNotMoved(id, deleted);
    const verdict = judgeOutline(
      file,
      committedTail(read.lines),
      loggedShasOf(read),
      limits,
      await unrecoveredCrash(ctx),
    );
    if (verdict.kind === "behind") return verdict.logged.outline;
  }
  if (file === null) throw notFound(id);
  return parseOutlineBytes(file, limits, outlinePath(id));
}
