import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError } from "../errors/livingReportsError.js";
import type { FileStat, StorageBackend } from "./storageBackend.js";

/**
 * The lstat of `path` on `backend`, or `undefined` when nothing is there: the backend's own
 * {@link StorageBackend.statIfExists} when it has one, else its `stat` with NOT_FOUND caught.
 *
 * @throws LivingReportsError any failure of the stat other than NOT_FOUND
 */
export async function statIfExists(backend: StorageBackend, path: string): Promise<FileStat | undefined> {
  if (backend.statIfExists !== undefined) return await backend.statIfExists(path);
  try {
    return await backend.stat(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
    throw err;
  }
}
