import type { StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError } from "../errors/livingReportsError.js";

/**
 * Whether anything (file, folder, link) is at `path`.
 *
 * @throws LivingReportsError a storage error other than NOT_FOUND
 */
export async function pathExists(backend: StorageBackend, path: string): Promise<boolean> {
  try {
    await backend.stat(path);
    return true;
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
    throw err;
  }
}
