import { ErrorCode, isLivingReportsError, type LockOptions, type StorageBackend } from "@living-reports/core";
import type { TargetRoot } from "../conformance/target.js";

/**
 * Lock times on a simulated disk (memfs, virtual clock): a small stale time costs nothing, the
 * clock is moved past it.
 */
const VIRTUAL_LOCK = { staleMs: 300, refreshMs: 100, timeoutMs: 10_000 } as const;

/**
 * Lock times on a real disk (node-fs, wall clock, real sleeps). Generous: timers on a loaded
 * 2-core machine fire late, and a filesystem with coarse timestamps stores mtimes rounded to the
 * second, so a stale time of a few refreshes keeps live locks from looking stale (verify would
 * report them, another process could reclaim them).
 */
const WALL_LOCK = { staleMs: 2_500, refreshMs: 1_000, timeoutMs: 10_000 } as const;

/** A margin past the stale time, and the up-to-a-second rounding of a coarse filesystem's mtimes. */
const MARGIN_MS = 100;
const MTIME_ROUNDING_MS = 1_000;

/** The lock options of the store under test on `root`. */
export function lockOptionsFor(root: TargetRoot): Required<LockOptions> {
  return root.crash === undefined ? { ...WALL_LOCK } : { ...VIRTUAL_LOCK };
}

/**
 * Lets time pass until the locks at `paths` are stale, as waiting would: on a simulated disk the
 * lock clock moves past the stale time (`root.advanceClock`); on a real disk, where that is a
 * real sleep of seconds, the locks' mtimes are set back by as much instead, which is what the
 * next process judges staleness by (the holders are dead or gone: nothing refreshes them).
 */
export async function letLocksGoStale(
  root: TargetRoot,
  disk: StorageBackend,
  lock: Required<LockOptions>,
  paths: readonly string[],
): Promise<void> {
  if (root.crash !== undefined) {
    await root.advanceClock(lock.staleMs + MARGIN_MS);
    return;
  }
  for (const path of paths) {
    try {
      const { mtimeMs } = await disk.stat(path);
      await disk.utimes(path, mtimeMs - lock.staleMs - MTIME_ROUNDING_MS - MARGIN_MS);
    } catch (err) {
      // Gone since it was listed: a release the dead process had in flight when it died (a
      // lease let go at its idle time) landed after all, as a system call under way at a kill
      // -9 may. Nothing is left to age.
      if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
    }
  }
}

/** The lock entries on `disk`: report, index and trash locks, and with `sessions` the writers' session locks. */
export async function lockPaths(disk: StorageBackend, sessions: boolean): Promise<string[]> {
  const top = await disk.readdir("");
  const out: string[] = top.filter((n) => n === "index.lock");
  const locksIn = async (dir: string) =>
    (await disk.readdir(dir)).filter((n) => n.endsWith(".lock")).map((n) => `${dir}/${n}`);
  if (top.includes(".trash")) out.push(...(await locksIn(".trash")));
  if (sessions && top.includes(".sessions")) out.push(...(await locksIn(".sessions")));
  if (top.includes("by_id")) {
    for (const id of await disk.readdir("by_id")) out.push(...(await locksIn(`by_id/${id}`)));
  }
  return out;
}
