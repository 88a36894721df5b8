import { type Clock, type LockPrimitive, mkdirPrimitive, type StorageBackend } from "@living-reports/core";

/** What the lock primitive needs from the backend it locks on. */
export interface LeaseStore {
  readonly clock: Clock;
  ready(): Promise<void>;
  removeIf(path: string, ino: number, mtimeMs: number): Promise<void>;
}

/**
 * The postgres lock primitive: a lease row. A lock is a directory entry created with `mkdir`
 * through `on` (one INSERT whose unique key admits one creator), its mtime the lease's last
 * renewal in the database's time (the store's clock follows the server's `clock_timestamp()`),
 * so staleness is judged by one clock for every app server. The lease lives in a table, not in a
 * session: a holder whose connection dropped keeps its lease until it lapses, and finds out at
 * its next refresh or `assertHeld()` (the lock manager's stale check) before its next write.
 *
 * `remove` (the reclaim of a stale lease) is a compare-and-delete in one statement: it deletes
 * the row only while it is the exact instance (inode, mtime) the reclaimer judged stale, so two
 * reclaimers never both remove, even without the manager's reclaim guard.
 */
export function pgLockPrimitive(on: StorageBackend, store: LeaseStore): LockPrimitive {
  const files = mkdirPrimitive(on, store.clock);
  return {
    async tryAcquire(path, context) {
      // The lease's time must be the server's: measure the clock before the first lease.
      await store.ready();
      return await files.tryAcquire(path, context);
    },
    inspect: (path) => files.inspect(path),
    remove: (path, state) => store.removeIf(path, state.ino, state.mtimeMs),
  };
}
