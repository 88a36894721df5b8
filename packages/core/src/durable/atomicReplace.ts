import { randomBytes } from "node:crypto";
import { basename, dirname } from "../backend/paths.js";
import type { FileHandle, StorageBackend } from "../backend/storageBackend.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { closeQuietly, writeAll } from "./writeAll.js";

/** Options of {@link atomicReplace}. */
export interface AtomicReplaceOptions {
  /**
   * Sync the target's directory after the rename (default true). Pass false only when the caller
   * syncs that directory itself before acknowledging (e.g. once for several renames).
   */
  syncDirectory?: boolean;
  /**
   * Sync the temp file's data before the rename (default true). False only where the content is
   * durable elsewhere and a crash may leave the target empty or torn (a materialisation after the
   * log made the change durable): the rename is then still atomic for every reader, not durable.
   */
  syncData?: boolean;
  /**
   * The backend that removes the temp file after a failure (default: `backend`). The temp's name
   * is unique to this call, so removing it needs no lock: a writer whose lock-bound view refuses
   * writes after losing its lock still leaves no temp file behind.
   */
  cleanup?: StorageBackend;
}

const TEMP_INFIX = ".tmp-";
const TEMP_PATTERN = /\.tmp-[0-9a-f]{16}$/;
/** The fixed temp names of the Python module (`Path.with_suffix(".tmp")` of its files). */
const PYTHON_TEMP_NAMES: ReadonlySet<string> = new Set(["outline.tmp", "audit.tmp", "index.tmp"]);

/**
 * Replaces the file at `path` with `data`, atomically and durably: after it resolves the new
 * content survives a crash; a crash at any instant leaves either the old or the new content at
 * `path`, never a mix. Exactly these backend calls: `open(temp, "wx")`, `write` (more only on a
 * short write), `sync`, `close`, `rename(temp, path)`, `syncDir(dirname(path))` (skipped when
 * `syncDirectory` is false). The temp file is `<path>.tmp-<16 random hex>` in the same
 * directory, unique per write, so concurrent or crashed writers never share one. With both syncs
 * off, on a backend that offers `replaceFile`, that one call instead (same guarantees).
 *
 * On failure before the rename the temp file is removed (best effort: a leftover is recognised
 * by {@link isTempName} and removed by repair) and `path` is untouched. If only the final
 * directory sync fails, `path` already holds the new content but its durability is unknown: the
 * call still fails (FSYNC_FAILED), and must not be treated as committed.
 *
 * @throws LivingReportsError mapped from the failing call (NO_SPACE, FSYNC_FAILED, NOT_FOUND
 *   when the directory is missing, ...), with the original error as cause
 */
export async function atomicReplace(
  backend: StorageBackend,
  path: string,
  data: Uint8Array,
  options: AtomicReplaceOptions = {},
): Promise<void> {
  const replace = backend.replaceFile;
  if (options.syncData === false && options.syncDirectory === false && replace !== undefined) {
    await step(() => replace.call(backend, path, data), path, "replace");
    return;
  }
  const temp = tempPathFor(path);
  let handle: FileHandle;
  try {
    handle = await backend.open(temp, "wx");
  } catch (err) {
    throw fromSystemError(err, temp, "open");
  }
  let open = true;
  try {
    await writeAll(handle, data, 0);
    if (options.syncData ?? true) await step(() => handle.sync(), temp, "fsync");
    open = false;
    await step(() => handle.close(), temp, "close");
    await step(() => backend.rename(temp, path), path, "rename");
  } catch (err) {
    if (open) await closeQuietly(handle);
    await removeQuietly(options.cleanup ?? backend, temp);
    throw err;
  }
  if (options.syncDirectory ?? true)
    await step(() => backend.syncDir(dirname(path)), dirname(path), "syncDir");
}

/**
 * True for names of temp files that a writer may leave behind when it crashes: ours
 * (`<name>.tmp-<16 hex>`) and the Python module's fixed `outline.tmp`, `audit.tmp`, `index.tmp`.
 * Takes a name or a path (only the last segment is looked at). Never throws.
 */
export function isTempName(name: string): boolean {
  const last = basename(name);
  return TEMP_PATTERN.test(last) || PYTHON_TEMP_NAMES.has(last);
}

/** A fresh temp path beside `path`: `<path>.tmp-<16 random hex>`. */
export function tempPathFor(path: string): string {
  return `${path}${TEMP_INFIX}${randomBytes(8).toString("hex")}`;
}

async function step(run: () => Promise<void>, path: string, op: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw fromSystemError(err, path, op);
  }
}

/** Removes a temp file after a failure that is being reported; a leftover is repair's to clean. */
async function removeQuietly(backend: StorageBackend, temp: string): Promise<void> {
  try {
    await backend.unlink(temp);
  } catch {
    // Best effort by design (see atomicReplace): the primary error is what the caller gets.
  }
}
