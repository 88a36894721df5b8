import type { StorageBackend } from "../backend/storageBackend.js";
import { isLivingReportsError } from "../errors/livingReportsError.js";
import type { Clock } from "./clock.js";
import { isAlreadyExists, isNotFound } from "./lockErrors.js";
import { isStale } from "./lockPrimitive.js";
import { inspectPath } from "./mkdirPrimitive.js";

/**
 * The suffix of a waiting marker: `<lock>.waiting`, a directory that waiters in other processes
 * keep fresh while they wait (docs/LOCKS.md, "Fairness"). Shared by every waiter of the lock.
 */
export const WAITING_MARKER_SUFFIX = ".waiting";

/** The waiting marker of the lock at `lockPath`. Never throws. */
export function waitingMarkerPath(lockPath: string): string {
  return `${lockPath}${WAITING_MARKER_SUFFIX}`;
}

/**
 * One waiter's announcement that it waits for a lock held elsewhere: it makes the marker (or
 * adopts one that exists) and stamps it with the clock's time at every retry, and removes it
 * when it stops waiting. Several waiters share one marker: the one that acquires removes it and
 * the others re-create it at their next retry.
 *
 * Every step goes through the backend (traces show it) and none ever fails the acquisition: the
 * marker only shortens another process's wait, so a marker that cannot be written or removed
 * costs fairness, never exclusion (the next try of the lock itself reports a broken disk).
 */
export class WaitingMarker {
  private readonly path: string;
  /** Whether this waiter ever announced itself (only then does it remove the marker). */
  private announced = false;
  /** Whether the marker existed at our last stamp (then a stamp alone refreshes it). */
  private present = false;

  constructor(
    private readonly backend: StorageBackend,
    private readonly clock: Clock,
    lockPath: string,
  ) {
    this.path = waitingMarkerPath(lockPath);
  }

  /** Makes sure the marker exists and is fresh. Never throws a storage error (see the class). */
  async announce(): Promise<void> {
    this.announced = true;
    await advisory(async () => {
      if (this.present && (await this.stamp())) return;
      try {
        await this.backend.mkdir(this.path);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      // The mkdir stamps the backend's time, maybe not the lock clock's: a virtual clock judges it.
      this.present = await this.stamp();
    });
  }

  /** Removes the marker if this waiter ever announced itself. Never throws a storage error. */
  async withdraw(): Promise<void> {
    if (!this.announced) return;
    this.announced = false;
    this.present = false;
    await advisory(() => removeMarker(this.backend, this.path));
  }

  /** Stamps the marker; false when it is gone (another waiter acquired and removed it). */
  private async stamp(): Promise<boolean> {
    try {
      await this.backend.utimes(this.path, this.clock.now());
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

/**
 * True when a waiter in another process announced itself for the lock at `lockPath` within
 * `staleMs` by `clock`: one `stat`. A marker older than that was left by a waiter that died; it is
 * ignored and removed (a live waiter that stamped it meanwhile re-creates it at its next retry).
 * Never throws a storage error: a marker that cannot be read counts as none.
 */
export async function othersWaiting(
  backend: StorageBackend,
  clock: Clock,
  lockPath: string,
  staleMs: number,
): Promise<boolean> {
  const path = waitingMarkerPath(lockPath);
  let waiting = false;
  await advisory(async () => {
    const marker = await inspectPath(backend, path);
    if (marker === undefined) return;
    waiting = !isStale(marker.mtimeMs, clock.now(), staleMs);
    if (!waiting) await removeMarker(backend, path);
  });
  return waiting;
}

async function removeMarker(backend: StorageBackend, path: string): Promise<void> {
  try {
    await backend.rmdir(path);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Runs a marker step whose storage failure must not fail the lock operation around it (see
 * {@link WaitingMarker}). Anything but a LivingReportsError is a bug and still thrown.
 */
async function advisory(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
  }
}
