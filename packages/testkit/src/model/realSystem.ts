import { type OpenReportsOptions, openReports, type ReportStore, type StorageBackend } from "@living-reports/core";
import type { TargetRoot } from "../conformance/target.js";
import { ProcessBackend } from "./processBackend.js";
import type { ModelStats } from "./modelStats.js";

/**
 * Lock times of the store under test: a small stale time, so that a process death is recovered
 * after a short (real, on node-fs) wait, with refreshes well inside it.
 */
export const MODEL_LOCK = { staleMs: 300, refreshMs: 100, timeoutMs: 10_000 } as const;

/** How long the lock clock moves at a death: past the stale time, with a margin. */
const DEATH_WAIT_MS = MODEL_LOCK.staleMs + 100;

/** The store options every incarnation opens with. */
const STORE_OPTIONS: OpenReportsOptions = { create: true, lock: MODEL_LOCK };

/** The system under test, as the commands drive it: the store of the current process on its disk. */
export interface RealSystem {
  readonly root: TargetRoot;
  /** A backend over the current disk (`root.backend`, or what the last power loss left). */
  disk: StorageBackend;
  /** The current process: the store's backend, where faults are injected. */
  process: ProcessBackend;
  store: ReportStore;
  /** How many processes have run so far (each gets its own storage id). */
  incarnations: number;
  /** The recovery report of the last open after a death, for the checks that follow it. */
  lastOpen: ReportStore["recovery"] | undefined;
  readonly stats: ModelStats;
}

/** Opens the first process's store on a fresh root. @throws what `openReports` throws */
export async function startSystem(root: TargetRoot, stats: ModelStats): Promise<RealSystem> {
  const process = new ProcessBackend(root.backend, 1);
  const store = await openReports(process, STORE_OPTIONS);
  return { root, disk: root.backend, process, store, incarnations: 1, lastOpen: undefined, stats };
}

/**
 * proper-lockfile stamps lock mtimes rounded up to the second, so on a real disk a lock can look
 * up to this much younger than it is; back-dating by it stands for waiting that long.
 */
const MTIME_ROUNDING_MS = 1_000;

/**
 * The current process dies (no `close()`: its session lock and anything else it held stay on
 * disk), the lock clock moves past the stale time, and a new process opens the store over
 * `disk` (default: the same disk), which recovers what the dead one left. `disk` is what a power
 * loss left, for a crash.
 *
 * @throws what `openReports` throws (a failed recovery is a failed test)
 */
export async function restartAfterDeath(real: RealSystem, disk: StorageBackend = real.disk): Promise<void> {
  await real.process.kill();
  real.disk = disk;
  await letLocksGoStale(real, await lockPaths(disk, true));
  real.incarnations += 1;
  real.process = new ProcessBackend(disk, real.incarnations);
  real.store = await openReports(real.process, STORE_OPTIONS);
  real.lastOpen = real.store.recovery;
}

/**
 * Lets locks a failed operation could not release turn stale, so the next writer reclaims them
 * instead of waiting (on memfs's virtual clock a waiter would wait forever). The live process's
 * session lock is left alone: it is held.
 *
 * @returns whether any report, index or trash lock was left
 */
export async function expireLeftoverLocks(real: RealSystem): Promise<boolean> {
  const left = await lockPaths(real.disk, false);
  if (left.length === 0) return false;
  await letLocksGoStale(real, left);
  return true;
}

/** Moves the lock clock past the stale time, and back-dates `paths` by the mtime rounding. */
async function letLocksGoStale(real: RealSystem, paths: readonly string[]): Promise<void> {
  await real.root.advanceClock(DEATH_WAIT_MS);
  for (const path of paths) {
    const { mtimeMs } = await real.disk.stat(path);
    await real.disk.utimes(path, mtimeMs - MTIME_ROUNDING_MS);
  }
}

/** The lock entries on `disk`: report, index and trash locks, and with `sessions` the session locks. */
async function lockPaths(disk: StorageBackend, sessions: boolean): Promise<string[]> {
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

/** Whether the current disk holds a writer's session lock (a process that wrote and did not close). */
export async function hasSession(real: RealSystem): Promise<boolean> {
  if (!(await real.disk.readdir("")).includes(".sessions")) return false;
  return (await real.disk.readdir(".sessions")).some((name) => name.endsWith(".lock"));
}
