import { TRASH } from "../shared/layout.js";
import { trashedReportId } from "../shared/trashNames.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/**
 * Reports each trashed folder (`.trash/<id>_<stamp>`) of a report that is also live in `by_id/`
 * as REPORT_IN_TWO_PLACES: the store never keeps both (a restore takes the trash copy out), so
 * this is a delete or restore whose rename a crash made half durable. Recovery keeps the copy
 * the log names and removes the other.
 *
 * @param live - the report folders of `by_id/`
 */
export async function checkTrash(
  access: ReadOnlyAccess,
  problems: ProblemList,
  live: ReadonlySet<string>,
): Promise<void> {
  for (const name of (await access.readdir(TRASH)) ?? []) {
    const id = trashedReportId(name);
    if (id === undefined || !live.has(id)) continue;
    const path = `${TRASH}/${name}`;
    problems.add(VerifyCode.REPORT_IN_TWO_PLACES, `report ${id} is both in by_id/ and at ${path}`, {
      report_id: id,
      file: path,
    });
  }
}
