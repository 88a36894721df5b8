import type { FileHandle, StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { closeQuietly, writeAll } from "./writeAll.js";

const encoder = new TextEncoder();

/** Options of {@link appendLines}. */
export interface AppendLinesOptions {
  /** fdatasync before closing (default false): the lines survive a crash once the call resolves. */
  sync?: boolean;
}

/**
 * Appends `text` (whole lines, each ending in `\n`) to a plain JSONL file such as
 * `index.jsonl`, with no framing: `open(path, "a")`, `write` (more only on a short write),
 * `datasync` when `sync`, `close`. The file is created if missing; its directory entry is then
 * durable only once the caller syncs the directory. Appenders that may run at the same time
 * without holding the file's lock use {@link writeLinesOnce} instead (a second write after a
 * short one could land behind another appender's line); either way a crash can tear the write,
 * and a reader must treat a partial last line as torn.
 *
 * @throws LivingReportsError the mapped error (NO_SPACE, FSYNC_FAILED, ...); after a failure the
 *   file may hold part of `text` at its end
 */
export async function appendLines(
  backend: StorageBackend,
  path: string,
  text: string,
  options: AppendLinesOptions = {},
): Promise<void> {
  await withAppendHandle(backend, path, async (handle) => {
    await writeAll(handle, encoder.encode(text));
    if (options.sync === true) {
      try {
        await handle.datasync();
      } catch (err) {
        throw fromSystemError(err, path, "fdatasync");
      }
    }
  });
}

/**
 * Runs `use` on `path` opened for appending (created if missing) and closes it: quietly after
 * `use` failed (its error is the one that counts), else reporting a failed close.
 *
 * @throws LivingReportsError the open's or the close's mapped error, or what `use` throws
 */
export async function withAppendHandle<T>(
  backend: StorageBackend,
  path: string,
  use: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await backend.open(path, "a");
  } catch (err) {
    throw fromSystemError(err, path, "open");
  }
  let result: T;
  try {
    result = await use(handle);
  } catch (err) {
    await closeQuietly(handle);
    throw err;
  }
  try {
    await handle.close();
  } catch (err) {
    throw fromSystemError(err, path, "close");
  }
  return result;
}

/**
 * Writes `data` (whole lines) through `handle`, opened `a`, in exactly one `write`, for appenders
 * that share the file without a lock. One write at the end of the file never interleaves with
 * another appender's: on a local Linux filesystem an `O_APPEND` write takes the end of the file
 * and copies its bytes under the inode's lock (two appends never overlap or mix); on memfs a
 * write is one synchronous step of the one thread; on PostgreSQL it is one `UPDATE … SET data =
 * data || $bytes` of the inode's row, which concurrent appends take in turn (READ COMMITTED
 * re-reads the row they waited for). A second write to finish a short one would not be atomic
 * with the first: another appender's line could land between them, so a short write (which no
 * backend makes but under fault injection or a full disk) is an error, not a retry. (Network
 * filesystems do not keep `O_APPEND` atomic across machines: see docs/LOCKS.md, "Index appends".)
 *
 * @throws LivingReportsError the mapped write error; STORAGE_FAILURE on a short write (the file
 *   then ends in part of `data`: a torn line, which the caller must have rebuilt)
 */
export async function writeLinesOnce(handle: FileHandle, data: Uint8Array): Promise<void> {
  let written: number;
  try {
    written = await handle.write(data);
  } catch (err) {
    throw fromSystemError(err, handle.path, "write");
  }
  if (written !== data.byteLength) {
    throw new LivingReportsError(
      ErrorCode.STORAGE_FAILURE,
      `write ${handle.path}: short append (${written} of ${data.byteLength} bytes)`,
      { path: handle.path },
    );
  }
}
