import {
  type LockOptions,
  type OpenReportsOptions,
  openReports,
  type ReportStore,
  type StorageBackend,
} from "@living-reports/core";
import type { TargetRoot } from "../conformance/target.js";
import { HeldLocks } from "./heldLocks.js";
import { letLocksGoStale, lockOptionsFor, lockPaths } from "./lockAging.js";
import type { ModelStats } from "./modelStats.js";
import { ProcessBackend } from "./processBackend.js";

/** The system under test, as the commands drive it: the store of the current process on its disk. */
export interface RealSystem {
  readonly root: TargetRoot;
  /** The lock times every incarnation opens the store with. */
  readonly lock: Required<LockOptions>;
  /** A backend over the current disk (`root.backend`, or what the last power loss left). */
  disk: StorageBackend;
  /** The current process: the store's backend, where faults are injected. */
  process: ProcessBackend;
  store: ReportStore;
  /** The locks the current process's store holds (for an operation, or kept between commits). */
  held: HeldLocks;
  /** How many processes have run so far (each gets its own storage id). */
  incarnations: number;
  readonly stats: ModelStats;
}

/** Opens the first process's store on a fresh root. @throws what `openReports` throws */
export async function startSystem(root: TargetRoot, stats: ModelStats): Promise<RealSystem> {
  const lock = lockOptionsFor(root);
  const process = new ProcessBackend(root.backend, 1);
  const held = new HeldLocks();
  const store = await openReports(process, storeOptions(lock, held));
  return { root, lock, disk: root.backend, process, store, held, incarnations: 1, stats };
}

/**
 * The current process dies (no `close()`: its session lock and anything else it held stay on
 * disk), time passes until its locks are stale, and a new process opens the store over `disk`
 * (default: the same disk; for a power loss, what the crash left), which must recover what the
 * dead one left.
 *
 * @throws what `openReports` throws (a failed recovery is a failed test)
 */
export async function restartAfterDeath(real: RealSystem, disk: StorageBackend = real.disk): Promise<void> {
  await real.process.kill();
  real.disk = disk;
  await letLocksGoStale(real.root, disk, real.lock, await lockPaths(disk, true));
  real.incarnations += 1;
  real.process = new ProcessBackend(disk, real.incarnations);
  real.held = new HeldLocks();
  real.store = await openReports(real.process, storeOptions(real.lock, real.held));
}

/**
 * Lets locks a failed operation could not release turn stale, so the next writer reclaims them
 * instead of waiting (on memfs's virtual clock a waiter would wait forever). The live process's
 * session lock is left alone, and so are the locks its store holds (kept between commits): they
 * are held. (On a virtual clock the time passes for all of them: their holder refreshes them, or
 * lets a kept one go when its idle time is up, as the clock moves.)
 *
 * @returns whether any report, index or trash lock was left
 */
export async function expireLeftoverLocks(real: RealSystem): Promise<boolean> {
  const held = real.held.paths();
  if (held.size > 0) real.stats.keptLocks += 1;
  const left = (await lockPaths(real.disk, false)).filter((path) => !held.has(path));
  if (left.length === 0) return false;
  await letLocksGoStale(real.root, real.disk, real.lock, left);
  return true;
}

/** Whether the current disk holds a writer's session lock (a process that wrote and did not close). */
export async function hasSession(real: RealSystem): Promise<boolean> {
  if (!(await real.disk.readdir("")).includes(".sessions")) return false;
  return (await real.disk.readdir(".sessions")).some((name) => name.endsWith(".lock"));
}

function storeOptions(lock: Required<LockOptions>, held: HeldLocks): OpenReportsOptions {
  // Leases on (the default idle time), as a program runs the store: the locks it keeps between
  // commits are told apart from a failed operation's leftovers by `held`.
  return { create: true, lock, lockManager: held.managerFactory() };
}
