import { statIfExists } from "../../backend/statIfExists.js";
import type { FileHandle, StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";

/**
 * Whether anything (file, folder, link) is at `path`.
 *
 * @throws LivingReportsError a storage error other than NOT_FOUND
 */
export async function pathExists(backend: StorageBackend, path: string): Promise<boolean> {
  return (await statIfExists(backend, path)) !== undefined;
}

/**
 * The names in directory `path`, or none when it does not exist.
 *
 * @throws LivingReportsError a storage error other than NOT_FOUND
 */
export async function readdirOrEmpty(backend: StorageBackend, path: string): Promise<string[]> {
  try {
    return await backend.readdir(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return [];
    throw err;
  }
}

/**
 * Creates `path` (a directory) if missing, making its entry durable (its parent is synced).
 *
 * @throws LivingReportsError the mkdir's or the sync's error (not ALREADY_EXISTS)
 */
export async function ensureDirectory(backend: StorageBackend, path: string): Promise<void> {
  try {
    await backend.mkdir(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.ALREADY_EXISTS)) return;
    throw err;
  }
  const slash = path.lastIndexOf("/");
  await backend.syncDir(slash < 0 ? "" : path.slice(0, slash));
}

/**
 * Removes a file or a folder tree without following symlinks. Not durable by itself: the caller
 * syncs the parent.
 */
export async function removeTree(backend: StorageBackend, path: string): Promise<void> {
  const { kind } = await backend.stat(path);
  if (kind !== "directory") {
    await backend.unlink(path);
    return;
  }
  for (const name of await backend.readdir(path)) await removeTree(backend, `${path}/${name}`);
  await backend.rmdir(path);
}

/**
 * The bytes of the file at `path`, or null when it does not exist.
 *
 * @throws LivingReportsError a storage error other than NOT_FOUND
 */
export async function readFileOrNull(backend: StorageBackend, path: string): Promise<Uint8Array | null> {
  try {
    return await backend.readFile(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return null;
    throw err;
  }
}

/**
 * Makes the data of the file at `path` durable (fsync through a read-only handle). A file that
 * is gone has nothing to sync: false then (a caller that needs it finds out at its next step).
 *
 * @throws LivingReportsError the open's (other than NOT_FOUND), the sync's or the close's error
 */
export async function syncFileAt(backend: StorageBackend, path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await backend.open(path, "r");
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
    throw err;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}
