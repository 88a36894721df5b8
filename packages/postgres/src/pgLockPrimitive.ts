import { performance } from "node:perf_hooks";
import {
  type Clock,
  ErrorCode,
  inspectPath,
  LivingReportsError,
  type LockPrimitive,
  type LockState,
  type PrimitiveContext,
  type PrimitiveLock,
  type StorageBackend,
  sameLockInstance,
} from "@living-reports/core";
import type { ReleaseWatch } from "./releaseWaker.js";

/** How long what a failed attempt saw stands in for an inspect (ms of local monotonic time). */
const SEEN_FRESH_MS = 20;
/**
 * How long an attempt that follows a failed one waits for the lease's release to be notified
 * before it reports failure (core's waiter then pauses on its own, 1 to 25 ms): core's longest
 * pause between two tries, so a waiter that hears nothing looks at the lock at most half as often.
 */
const WAKE_WAIT_MS = 25;
/** A failed attempt this recent (ms) makes the next one on the path wait for a release. */
const WAITING_MS = 1_000;

/** What the lock primitive needs from the backend it locks on. */
export interface LeaseStore {
  /** The clock that follows the server's time. */
  readonly clock: Clock;
  /** How far the clock may be from the server's (half the best measured round trip, ms). */
  clockError(): number;
  ready(): Promise<void>;
  removeIf(path: string, ino: number, mtimeMs: number): Promise<void>;
  releaseIf(path: string, ino: number): Promise<void>;
  confirmStamp(path: string, ino: number, mtimeMs: number): Promise<boolean>;
  leaseTake(path: string): Promise<{ taken: boolean; state: LockState }>;
  leaseRenew(path: string, ino: number, was: number, mtimeMs: number): Promise<"ok" | "replaced">;
  /** Subscribes to the release of the lease at `path` (a hint, see releaseWaker.ts). */
  watchRelease(path: string): ReleaseWatch;
  /** See Database.onRestart: `listener` is called when unsynced changes may have been lost. */
  onRestart(listener: () => void): () => void;
}

/**
 * The postgres lock primitive: a lease row. A lock is a directory entry created with `mkdir`
 * through `on` (one INSERT whose unique key admits one creator), stamped by the server with its
 * own `clock_timestamp()`; its mtime is the lease's last renewal in the database's time, and the
 * store's clock follows the server's, so staleness is judged by one clock for every app server.
 * The lease lives in a table, not in a session: a holder whose connection dropped keeps it until
 * it lapses, and finds out at its next refresh or `assertHeld()` (the manager's stale check)
 * before its next write. The holder counts its lease from a time no later than the server's
 * stamp (the clock reading before the INSERT, less the clock's error), so it gives up no later
 * than any reclaimer can judge the lease stale.
 *
 * `remove` (the reclaim of a stale lease) is a compare-and-delete in one statement: it deletes
 * the row only while it is the exact instance (inode, mtime) the reclaimer judged stale, so two
 * reclaimers never both remove, even apart from the manager's reclaim guard. A release deletes
 * only the holder's own instance (its inode), committed asynchronously: the next holder need not
 * wait for a log flush, and a release lost in a server crash only leaves a lease that lapses.
 *
 * Taking and renewing a lease commit synchronously (a lease its holder trusts survives a crash of
 * the server), one statement each when `on` is the store itself; through a wrapper (a fault
 * injector, a tracer) they go through `on`'s `mkdir`, `stat` and `utimes`, so the wrapper sees
 * them, and a last statement makes them durable.
 *
 * A waiter learns of a release within milliseconds: an attempt that follows a failed one on the
 * same path subscribes to the path's release notification before it tries (releaseWaker.ts), and
 * when the lease is still held waits up to {@link WAKE_WAIT_MS} for the release, then tries once
 * more. The notification is a hint; the lease row, judged by the database's time, decides.
 *
 * A lease whose backend finds that the server restarted from a crash while it had unsynced changes
 * (Database.onRestart) is given up at once: reported lost to the lock manager, its row removed.
 */
export function pgLockPrimitive(on: StorageBackend, store: LeaseStore): LockPrimitive {
  const direct = (on as unknown) === store;
  // What a failed attempt found at each path, for the inspect the lock manager makes right after
  // it (acquireOnDisk.ts): the same answer one round trip earlier, as fresh as any read.
  const seenAtTake = new Map<string, { state: LockState; at: number }>();
  // When each path's last attempt failed (local monotonic ms): the next one waits for a release.
  const failedAt = new Map<string, number>();
  return {
    async tryAcquire(path, context) {
      // The lease's time must be the server's: the clock is measured before the first lease.
      await store.ready();
      let at = store.clock.now() - store.clockError();
      let state: LockState | undefined;
      if (direct) {
        const last = failedAt.get(path);
        const watch =
          last !== undefined && performance.now() - last < WAITING_MS ? store.watchRelease(path) : undefined;
        try {
          let take = await store.leaseTake(path);
          if (!take.taken && watch !== undefined && (await watch.wait(WAKE_WAIT_MS))) {
            at = store.clock.now() - store.clockError();
            take = await store.leaseTake(path);
          }
          if (!take.taken) {
            failedAt.set(path, performance.now());
            seenAtTake.set(path, { state: take.state, at: performance.now() });
            return undefined;
          }
          failedAt.delete(path);
          state = take.state;
        } finally {
          watch?.cancel();
        }
      } else {
        try {
          await on.mkdir(path);
        } catch (err) {
          if (err instanceof LivingReportsError && err.code === ErrorCode.ALREADY_EXISTS) return undefined;
          throw err;
        }
        state = await inspectPath(on, path);
        if (state === undefined) throw lost(path, "the lock vanished right after it was made");
        // The stamp a wrapper may have put on it (utimes) commits asynchronously; a lease must be
        // durable, and still this instance, before its holder trusts it.
        if (!(await store.confirmStamp(path, state.ino, state.mtimeMs))) {
          throw lost(path, "the lock was replaced right after it was made");
        }
      }
      return new PgLease(on, store, path, state, at, context, direct);
    },
    inspect: async (path) => {
      const seen = seenAtTake.get(path);
      seenAtTake.delete(path);
      if (seen !== undefined && performance.now() - seen.at < SEEN_FRESH_MS) return seen.state;
      return await inspectPath(on, path);
    },
    remove: (path, state) => store.removeIf(path, state.ino, state.mtimeMs),
  };
}

/** A held lease: refreshed by stamping the row with the clock's time, after checking it is still ours. */
class PgLease implements PrimitiveLock {
  constructor(
    private readonly on: StorageBackend,
    private readonly store: LeaseStore,
    private readonly path: string,
    private state: LockState,
    public freshAt: number,
    private readonly context: PrimitiveContext,
    private readonly direct: boolean,
  ) {
    // A crash of the server that may have lost unsynced changes made under this lock: give it up
    // (the holder recovers under a new one) and remove the row now, not after its stale time.
    this.unwatch = store.onRestart(() => {
      this.unwatch();
      this.context.onLost(
        lost(this.path, "the database server restarted and may have lost changes made under it"),
      );
      void this.store.releaseIf(this.path, this.state.ino).catch(() => undefined);
    });
  }

  private readonly unwatch: () => void;

  async refresh(): Promise<void> {
    await this.context.beforeRefresh();
    const at = this.store.clock.now();
    if (this.direct) {
      let outcome: "ok" | "replaced";
      try {
        outcome = await this.store.leaseRenew(this.path, this.state.ino, this.state.mtimeMs, at);
      } catch (err) {
        if (err instanceof LivingReportsError && err.code === ErrorCode.NOT_FOUND) {
          throw lost(this.path, "the lock was removed");
        }
        throw err;
      }
      if (outcome !== "ok") throw lost(this.path, "the lock was replaced");
    } else {
      await this.refreshThroughWrapper(at);
    }
    this.state = { kind: this.state.kind, ino: this.state.ino, mtimeMs: at };
    this.freshAt = at;
  }

  private async refreshThroughWrapper(at: number): Promise<void> {
    const current = await inspectPath(this.on, this.path);
    if (current === undefined) throw lost(this.path, "the lock was removed");
    if (!sameLockInstance(current, this.state)) throw lost(this.path, "the lock was replaced");
    await this.on.utimes(this.path, at);
    // utimes is volatile (as on a disk); a renewal must survive a server crash, or a reclaimer
    // after the restart could judge the lease by its older stamp while this holder trusts the new.
    if (!(await this.store.confirmStamp(this.path, this.state.ino, at))) {
      throw lost(this.path, "the lock was replaced");
    }
  }

  async release(): Promise<void> {
    this.unwatch();
    await this.store.releaseIf(this.path, this.state.ino);
  }

  abandon(): void {
    this.unwatch();
  }

  onDisk(): LockState {
    return this.state;
  }
}

function lost(path: string, why: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.LOCK_COMPROMISED, `lock ${path}: ${why}`, { path });
}
