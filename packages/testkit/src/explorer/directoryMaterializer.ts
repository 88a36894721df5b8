import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, joinPath, type StorageBackend, systemClock } from "@living-reports/core";
import { LONG_AGO_MS } from "../util/loadTree.js";
import type { CrashableDisk, Materializer } from "./crashableDisk.js";

/** Lock files and directories, and their reclaim guards (`x.lock.reclaim`). */
const LOCK_NAME = /\.lock(\.reclaim)*$/;

/** Options of {@link directoryMaterializer}. */
export interface DirectoryMaterializerOptions {
  /** Where the temporary roots go (default the OS temp directory). */
  readonly parent?: string;
  /** The clock the opened backend's locks run on (default wall time). */
  readonly clock?: Clock;
}

/**
 * A {@link Materializer} that copies each crash state into a fresh temporary directory (bytes
 * exact, directories included) and opens `open(hostDir)` over it, e.g. node-fs's
 * `(root) => nodeFsBackend({ root })`. Every `*.lock` entry gets an mtime long past, as after a
 * reboot the crashed writer's locks are stale
 * (reclaim guards `*.lock.reclaim` too). `cleanup` removes the directory.
 */
export function directoryMaterializer(
  open: (hostDir: string) => StorageBackend,
  options: DirectoryMaterializerOptions = {},
): Materializer {
  return async (crashed: CrashableDisk) => {
    const root = mkdtempSync(join(options.parent ?? tmpdir(), "lr-crash-"));
    try {
      await copyTree(crashed.backend(), "", root);
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
    return {
      backend: open(root),
      clock: options.clock ?? systemClock,
      cleanup: async () => rmSync(root, { recursive: true, force: true }),
    };
  };
}

async function copyTree(from: StorageBackend, dir: string, hostDir: string): Promise<void> {
  for (const name of await from.readdir(dir)) {
    const path = joinPath(dir, name);
    const host = join(hostDir, name);
    const stat = await from.stat(path);
    if (stat.kind === "directory") {
      mkdirSync(host);
      await copyTree(from, path, host);
    } else if (stat.kind === "file") {
      writeFileSync(host, await from.readFile(path));
    }
    if (LOCK_NAME.test(name)) utimesSync(host, LONG_AGO_MS / 1000, LONG_AGO_MS / 1000);
  }
}
