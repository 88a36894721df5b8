import type { StorageBackend } from "../backend/storageBackend.js";
import type { Clock } from "./clock.js";
import { Lease, type LockHooks } from "./lease.js";
import { lockTimeout, managerClosed } from "./lockErrors.js";
import { isStale, type LockPrimitive, type LockState, sameLockInstance } from "./lockPrimitive.js";
import { reclaimOwnLeftover, reclaimStale } from "./reclaim.js";
import { WaitingMarker } from "./waitingMarker.js";

/** Retry delays of a cross-process waiter: a few ms, doubling, capped, jittered. */
const FIRST_RETRY_MS = 2;
/** The longest pause of a waiter between two tries (the fairness yield must outlast it). */
export const MAX_RETRY_MS = 25;

/** What {@link acquireOnDisk} works with. */
export interface DiskAcquisition {
  readonly backend: StorageBackend;
  readonly primitive: LockPrimitive;
  readonly clock: Clock;
  readonly hooks: LockHooks;
  readonly path: string;
  readonly staleMs: number;
  readonly refreshMs: number;
  readonly timeoutMs: number;
  /** Clock time by which the lock must be had. */
  readonly deadline: number;
  readonly isClosed: () => boolean;
  /** This process's own leftover of this lock (a release that failed), reclaimed without waiting. */
  readonly leftover: LockState | undefined;
}

/**
 * Acquires the lock on disk for the head of the in-process queue: tries the primitive, reclaims
 * the lock when it is stale or is this process's own leftover (under the reclaim guard), else
 * announces itself with the waiting marker (waitingMarker.ts, refreshed at every retry) and
 * retries after a short jittered delay until the deadline. The marker is removed when the
 * acquisition ends, whichever way.
 *
 * @throws LivingReportsError LOCK_TIMEOUT at the deadline; CLOSED when the manager closed meanwhile;
 *   a backend error (NOT_FOUND/WRONG_KIND for a missing parent or one that is a file, ...)
 */
export async function acquireOnDisk(a: DiskAcquisition): Promise<Lease> {
  const marker = new WaitingMarker(a.backend, a.clock, a.path);
  try {
    return await tryUntilDeadline(a, marker);
  } finally {
    await marker.withdraw();
  }
}

async function tryUntilDeadline(a: DiskAcquisition, marker: WaitingMarker): Promise<Lease> {
  const reclaim = { backend: a.backend, clock: a.clock, staleMs: a.staleMs };
  const target = { path: a.path, inspect: a.primitive.inspect, remove: a.primitive.remove };
  for (let attempt = 0; ; ) {
    if (a.isClosed()) throw managerClosed(a.path);
    const lease = new Lease(a.path, a.clock, a.hooks, { staleMs: a.staleMs, refreshMs: a.refreshMs });
    const lock = await a.primitive.tryAcquire(a.path, lease.context);
    if (lock !== undefined) {
      lease.attach(lock);
      return lease;
    }
    const seen = await a.primitive.inspect(a.path);
    const gone = seen === undefined;
    const reclaimed =
      !gone &&
      (a.leftover !== undefined && sameLockInstance(seen, a.leftover)
        ? await reclaimOwnLeftover(reclaim, target, seen)
        : isStale(seen.mtimeMs, a.clock.now(), a.staleMs) && (await reclaimStale(reclaim, target, seen)));
    if (a.clock.now() >= a.deadline) throw lockTimeout(a.path, a.timeoutMs);
    if (gone || reclaimed) {
      attempt = 0;
      continue;
    }
    // Held by someone else: tell its holder we wait, in case it hands the lock around in memory.
    await marker.announce();
    await sleep(retryDelay(attempt));
    attempt += 1;
  }
}

function retryDelay(attempt: number): number {
  const capped = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 10));
  return capped / 2 + Math.random() * (capped / 2);
}

/**
 * A real-time pause between retries. Unlike the clock's timers it keeps the process alive: the
 * caller is awaiting this acquisition. It is wall time even on a virtual clock, because the other
 * process releases in wall time; the deadline and staleness still follow the clock.
 */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
