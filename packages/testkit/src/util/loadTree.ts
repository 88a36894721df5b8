import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  basename,
  dirname,
  ErrorCode,
  joinPath,
  LivingReportsError,
  type StorageBackend,
} from "@living-reports/core";

/** 2000-01-01: older than any stale time on any clock (the memfs virtual clock starts in 2025). */
export const LONG_AGO_MS = Date.UTC(2000, 0, 1);

/** Options of {@link loadTree}. */
export interface LoadTreeOptions {
  /** Where in the root to copy to (default: the root itself, which must exist). */
  dest?: string;
  /**
   * The mtime given to every file named `.lock` (the Python module's fallback lock), which git
   * does not keep: default {@link LONG_AGO_MS}, a lock long dead. Pass a recent time to model a
   * live holder.
   */
  lockMtimeMs?: number;
}

/**
 * Copies a host directory (e.g. a fixture store under `test-fixtures/`) into a root through
 * `backend`, so that every backend, memfs included, can be given the same files. Directories
 * are created with `mkdir`, files with `open("wx")` + write + `sync`, and each directory is
 * synced, so the copy is durable (a simulated crash afterwards keeps it). Only directories and
 * regular files are copied.
 *
 * @returns the root-relative paths of the files copied, sorted
 * @throws LivingReportsError from the backend (ALREADY_EXISTS when a path is taken, ...); the
 *   host's own errors (ENOENT for a missing fixture directory) unchanged
 */
export async function loadTree(
  backend: StorageBackend,
  hostDir: string,
  options: LoadTreeOptions = {},
): Promise<string[]> {
  const dest = options.dest ?? "";
  const files: string[] = [];
  await copyDir(backend, hostDir, dest, files);
  const lockMtimeMs = options.lockMtimeMs ?? LONG_AGO_MS;
  for (const path of files) if (basename(path) === ".lock") await backend.utimes(path, lockMtimeMs);
  return files.sort();
}

async function copyDir(
  backend: StorageBackend,
  hostDir: string,
  dir: string,
  files: string[],
): Promise<void> {
  for (const entry of await readdir(hostDir, { withFileTypes: true })) {
    const host = join(hostDir, entry.name);
    const path = joinPath(dir, entry.name);
    if (entry.isDirectory()) {
      await backend.mkdir(path);
      await copyDir(backend, host, path, files);
    } else if (entry.isFile()) {
      await writeDurably(backend, path, await readFile(host));
      files.push(path);
    }
  }
  await backend.syncDir(dir);
  if (dir !== "") await backend.syncDir(dirname(dir));
}

async function writeDurably(backend: StorageBackend, path: string, data: Uint8Array): Promise<void> {
  const handle = await backend.open(path, "wx");
  try {
    for (let written = 0; written < data.length; ) {
      const n = await handle.write(data.subarray(written), written);
      if (n <= 0)
        throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `write made no progress on ${path}`, {
          path,
        });
      written += n;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
