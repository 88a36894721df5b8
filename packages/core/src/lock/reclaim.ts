import type { StorageBackend } from "../backend/storageBackend.js";
import type { Clock } from "./clock.js";
import { isAlreadyExists, isNotFound } from "./lockErrors.js";
import { isStale, type LockState, sameLockInstance } from "./lockPrimitive.js";
import { inspectPath } from "./mkdirPrimitive.js";

/** What is reclaimed: a lock, or (when its reclaimer died) a reclaim guard. */
export interface ReclaimTarget {
  readonly path: string;
  inspect(path: string): Promise<LockState | undefined>;
  remove(path: string, state: LockState): Promise<void>;
}

/** The backend, clock and stale time a reclaim works with. */
export interface ReclaimContext {
  readonly backend: StorageBackend;
  readonly clock: Clock;
  readonly staleMs: number;
}

/** A guard of a guard of a guard: deeper chains need as many reclaimers dying mid-reclaim. */
const MAX_GUARD_DEPTH = 3;

/** The suffix of a reclaim guard's name: `<lock>.reclaim`, `<lock>.reclaim.reclaim`, ... */
export const RECLAIM_GUARD_SUFFIX = ".reclaim";

/**
 * Removes the stale lock at `target.path` if, and only if, it is still the instance `seen` and
 * still stale, deciding under the guard `<path>.reclaim` (a directory made with `mkdir`, so at
 * most one reclaimer holds it). Every reclaimer re-reads the lock under the guard, so of several
 * that saw the same stale lock exactly one removes it; the others find a different instance (or
 * none) and remove nothing. See docs/LOCKS.md for the whole argument.
 *
 * A guard is held for a handful of calls. One older than the stale time belongs to a reclaimer
 * that died: it is removed the same way, under its own guard, and the reclaim retried later.
 *
 * @returns true when this call removed the lock; false when it did not (retry later)
 * @throws LivingReportsError from the backend (a failed removal, a guard that cannot be made)
 */
export async function reclaimStale(
  context: ReclaimContext,
  target: ReclaimTarget,
  seen: LockState,
  depth = 0,
): Promise<boolean> {
  const stillStale = (current: LockState) => isStale(current.mtimeMs, context.clock.now(), context.staleMs);
  return await reclaimUnderGuard(context, target, seen, depth, stillStale);
}

/**
 * Removes this process's own leftover at `target.path` without waiting for it to turn stale: a
 * lock whose release failed is still exactly the instance (`seen`: inode and mtime) its holder
 * last set, and nobody else holds that instance (a new holder would have made a new one). The
 * removal is decided under the same guard as {@link reclaimStale}, so a reclaimer that judged the
 * leftover stale meanwhile never removes a lock made after it. See docs/LOCKS.md.
 *
 * @returns true when this call removed the leftover; false when it did not (retry the acquisition)
 * @throws LivingReportsError from the backend
 */
export async function reclaimOwnLeftover(
  context: ReclaimContext,
  target: ReclaimTarget,
  seen: LockState,
): Promise<boolean> {
  return await reclaimUnderGuard(context, target, seen, 0, () => true);
}

async function reclaimUnderGuard(
  context: ReclaimContext,
  target: ReclaimTarget,
  seen: LockState,
  depth: number,
  removable: (current: LockState) => boolean,
): Promise<boolean> {
  const { backend, clock, staleMs } = context;
  const guard = `${target.path}${RECLAIM_GUARD_SUFFIX}`;
  try {
    await backend.mkdir(guard);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const other = await inspectPath(backend, guard);
    if (other !== undefined && isStale(other.mtimeMs, clock.now(), staleMs) && depth < MAX_GUARD_DEPTH) {
      await reclaimStale(context, guardTarget(backend, guard), other, depth + 1);
    }
    return false;
  }

  const takenAt = clock.now();
  let mine: LockState | undefined;
  let removed = false;
  try {
    await backend.utimes(guard, takenAt);
    mine = await inspectPath(backend, guard);
    if (mine === undefined) return false;
    const current = await target.inspect(target.path);
    // Removing only the very instance we judged stale, and only while our own guard cannot have
    // been judged dead by others (half the stale time), keeps every removal exclusive.
    if (
      current !== undefined &&
      sameLockInstance(current, seen) &&
      removable(current) &&
      clock.now() - takenAt <= staleMs / 2
    ) {
      await target.remove(target.path, current);
      removed = true;
    }
  } catch (err) {
    // Someone removed the lock between our check and our removal: not ours to report.
    if (!isNotFound(err)) throw err;
  } finally {
    await releaseGuard(context, guard, mine, takenAt);
  }
  return removed;
}

/**
 * Removes our guard, unless we held it so long that another reclaimer may have judged it dead
 * and replaced it, or we never confirmed it was ours (`mine` unset): then it is left alone, and
 * if it is ours it is judged dead once stale and reclaimed like a dead reclaimer's guard.
 */
async function releaseGuard(
  { backend, clock, staleMs }: ReclaimContext,
  guard: string,
  mine: LockState | undefined,
  takenAt: number,
): Promise<void> {
  if (mine === undefined || clock.now() - takenAt > staleMs / 2) return;
  const current = await inspectPath(backend, guard);
  if (current === undefined || !sameLockInstance(current, mine)) return;
  try {
    await backend.rmdir(guard);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function guardTarget(backend: StorageBackend, path: string): ReclaimTarget {
  return {
    path,
    inspect: (p) => inspectPath(backend, p),
    remove: (p) => backend.rmdir(p),
  };
}
