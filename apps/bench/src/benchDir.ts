import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";

/** `statfs` magic numbers of filesystems that are not a disk. */
const MEMORY_FILESYSTEMS: Record<number, string> = { 16914836: "tmpfs", 2240043254: "ramfs" };
const KNOWN: Record<number, string> = {
  61267: "ext4",
  1481003842: "xfs",
  2435016766: "btrfs",
  2035054128: "overlayfs",
  801189825: "zfs",
  ...MEMORY_FILESYSTEMS,
};

/** Where the trials write, and what filesystem that is. */
export interface BenchDir {
  path: string;
  /** The filesystem's name (or its statfs magic in hex). */
  filesystem: string;
}

/**
 * Picks the bench directory: `requested`, else the OS temp dir, else (when that is tmpfs or
 * ramfs) `fallback` on the repository's disk. Creates a fresh folder in it.
 * @throws Error when the chosen directory is in memory (results would not be a disk's)
 */
export function chooseBenchDir(requested: string | undefined, fallback: string): BenchDir {
  const base = requested ?? (isMemory(os.tmpdir()) ? fallback : os.tmpdir());
  fs.mkdirSync(base, { recursive: true });
  const type = fs.statfsSync(base).type;
  if (MEMORY_FILESYSTEMS[type] !== undefined) {
    throw new Error(`${base} is ${MEMORY_FILESYSTEMS[type]}, not a disk: pass --dir on a real disk`);
  }
  return {
    path: fs.mkdtempSync(join(base, "living-reports-bench-")),
    filesystem: KNOWN[type] ?? `0x${type.toString(16)}`,
  };
}

function isMemory(dir: string): boolean {
  try {
    return MEMORY_FILESYSTEMS[fs.statfsSync(dir).type] !== undefined;
  } catch {
    return true;
  }
}
