import type { FileHandle, StorageBackend } from "../backend/storageBackend.js";
import { fromSystemError } from "../errors/fromSystemError.js";
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
 * durable only once the caller syncs the directory. Concurrent appenders must hold the file's
 * lock: each call is one write, but a crash can tear it, and a reader must treat a partial last
 * line as torn.
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
  let handle: FileHandle;
  try {
    handle = await backend.open(path, "a");
  } catch (err) {
    throw fromSystemError(err, path, "open");
  }
  try {
    await writeAll(handle, encoder.encode(text));
    if (options.sync === true) {
      try {
        await handle.datasync();
      } catch (err) {
        throw fromSystemError(err, path, "fdatasync");
      }
    }
  } catch (err) {
    await closeQuietly(handle);
    throw err;
  }
  try {
    await handle.close();
  } catch (err) {
    throw fromSystemError(err, path, "close");
  }
}
