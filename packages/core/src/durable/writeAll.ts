import type { FileHandle } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { LivingReportsError } from "../errors/livingReportsError.js";

/**
 * Writes all of `data` through `handle`, looping on short writes: at `position` onwards when
 * given, else at the handle's append point / current offset. One `write` call when the backend
 * writes everything at once (the normal case).
 *
 * @throws LivingReportsError the mapped write error; STORAGE_FAILURE if a write makes no progress
 */
export async function writeAll(handle: FileHandle, data: Uint8Array, position?: number): Promise<void> {
  let done = 0;
  while (done < data.byteLength) {
    const chunk = done === 0 ? data : data.subarray(done);
    let n: number;
    try {
      n = position === undefined ? await handle.write(chunk) : await handle.write(chunk, position + done);
    } catch (err) {
      throw fromSystemError(err, handle.path, "write");
    }
    if (n <= 0) {
      throw new LivingReportsError(
        ErrorCode.STORAGE_FAILURE,
        `write ${handle.path}: no progress after ${done} of ${data.byteLength} bytes`,
        { path: handle.path },
      );
    }
    done += n;
  }
}

/**
 * Closes `handle` after a failure that is already being reported; a close error then adds
 * nothing the caller can act on, so it is dropped on purpose (the primary error wins).
 */
export async function closeQuietly(handle: FileHandle): Promise<void> {
  try {
    await handle.close();
  } catch {
    // The primary failure is what the caller gets; see the TSDoc.
  }
}
