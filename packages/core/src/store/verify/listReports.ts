import { isReportId } from "../../schema/index.js";
import { BY_ID, reportDir } from "../shared/layout.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/**
 * The report folders of `by_id/`, sorted. An entry whose name is not a canonical lowercase UUID,
 * or that is not a plain directory (a file, a symlink), is reported as REPORT_DIR_INVALID and
 * never looked into (G8: nothing outside a report's own folder is followed).
 */
export async function listReports(access: ReadOnlyAccess, problems: ProblemList): Promise<string[]> {
  const names = (await access.readdir(BY_ID)) ?? [];
  const ids: string[] = [];
  for (const name of names) {
    const path = `${BY_ID}/${name}`;
    if (!isReportId(name)) {
      problems.add(VerifyCode.REPORT_DIR_INVALID, `${path}: not a report id (canonical lowercase UUID)`, {
        file: path,
      });
      continue;
    }
    const stat = await access.stat(reportDir(name), { report_id: name });
    if (stat === null) continue;
    if (stat.kind !== "directory") {
      problems.add(VerifyCode.REPORT_DIR_INVALID, `${path} is a ${stat.kind}, not a report folder`, {
        report_id: name,
        file: path,
      });
      continue;
    }
    ids.push(name);
  }
  return ids;
}
