import { joinPath } from "../../backend/paths.js";
import type { FileStat } from "../../backend/storageBackend.js";
import { isTempName } from "../../durable/index.js";
import { isStale, RECLAIM_GUARD_SUFFIX } from "../../lock/index.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList, ProblemSite } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/** How verify judges a lock stale: the lock clock's now, and the stale time. */
export interface StalenessClock {
  /** Milliseconds since the epoch, on the clock the locks are refreshed with. */
  now(): number;
  /** A lock whose mtime is older than this is stale (ms). */
  staleMs: number;
}

/**
 * Reports what crashes leave in one directory (not recursively): temp files of writes cut
 * before their rename (ORPHAN_TEMP) and locks (`.lock`, `*.lock`, file or directory, and their
 * reclaim guards) whose mtime is older than the stale time (STALE_LOCK, G7). A lock held by a live process is refreshed and
 * therefore fresh; a temp file of a write in flight at this instant is reported too, since
 * verify sees one moment of the disk.
 *
 * Waiting markers (`x.lock.waiting`, docs/LOCKS.md "Fairness") are never reported, fresh or
 * stale: one only asks a holder to release through the disk, a stale one is ignored by every
 * holder (and removed by the next that looks), so a dead waiter's marker harms nothing.
 */
export async function checkLeftovers(
  access: ReadOnlyAccess,
  problems: ProblemList,
  dir: string,
  clock: StalenessClock,
  site: ProblemSite = {},
): Promise<void> {
  const names = await access.readdir(dir, site);
  if (names === null) return;
  for (const name of names) {
    const path = joinPath(dir, name);
    if (isTempName(name)) {
      problems.add(VerifyCode.ORPHAN_TEMP, `${path} is a temp file left by an interrupted write`, {
        ...site,
        file: path,
      });
    } else if (isLockName(name)) {
      const stat = await access.stat(path, site);
      if (stat !== null && (stat.kind === "file" || stat.kind === "directory") && isStaleAt(stat, clock)) {
        const age = Math.round((clock.now() - stat.mtimeMs) / 1000);
        problems.add(
          VerifyCode.STALE_LOCK,
          `${path} (a ${stat.kind}) was last refreshed ${age} s ago, over the stale time of ${clock.staleMs} ms`,
          { ...site, file: path },
        );
      }
    }
  }
}

/**
 * `.lock`, `x.lock`, and reclaim guards of those (`x.lock.reclaim`, `x.lock.reclaim.reclaim`, ...);
 * not waiting markers (`x.lock.waiting`).
 */
function isLockName(name: string): boolean {
  let lock = name;
  while (lock.endsWith(RECLAIM_GUARD_SUFFIX)) lock = lock.slice(0, -RECLAIM_GUARD_SUFFIX.length);
  return lock.endsWith(".lock");
}

function isStaleAt(stat: FileStat, clock: StalenessClock): boolean {
  return isStale(stat.mtimeMs, clock.now(), clock.staleMs);
}
