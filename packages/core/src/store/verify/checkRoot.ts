import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { readRootKind } from "../shared/formatMarker.js";
import { BY_ID, FORMAT_FILE } from "../shared/layout.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/**
 * Checks the root: a `FORMAT` marker this library understands (absent is fine when `by_id/`
 * exists: a store the Python module wrote) and a `by_id/` folder.
 *
 * @returns whether the reports can be checked at all: false for a root that is not a store
 *   (NOT_A_STORE) or whose format is newer than this library (FORMAT_UNSUPPORTED), where reading
 *   further would only produce noise
 * @throws LivingReportsError when `FORMAT` exists but cannot be read (storage failure)
 */
export async function checkRoot(access: ReadOnlyAccess, problems: ProblemList): Promise<boolean> {
  try {
    await readRootKind(access.backend);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.UNSUPPORTED_FORMAT)) {
      problems.add(VerifyCode.FORMAT_UNSUPPORTED, err.message, { file: FORMAT_FILE });
      return false;
    }
    if (!isLivingReportsError(err, ErrorCode.CORRUPT_FILE)) throw err;
    problems.add(VerifyCode.FORMAT_INVALID, err.message, { file: FORMAT_FILE });
  }
  const byId = await access.stat(BY_ID);
  if (byId === null || byId.kind !== "directory") {
    problems.add(VerifyCode.NOT_A_STORE, `no ${BY_ID}/ folder: the root holds no store`, { file: BY_ID });
    return false;
  }
  return true;
}
