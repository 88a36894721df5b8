import { randomUUID } from "node:crypto";
import {
  ErrorCode,
  inspectPath,
  LivingReportsError,
  type LockPrimitive,
  type PrimitiveContext,
  type PrimitiveLock,
  type StorageBackend,
  systemClock,
} from "@living-reports/core";
import { lock as properLock } from "proper-lockfile";
import { LockFsShim, type ShimStats, unwrapShimError } from "./backendFsShim.js";

/** proper-lockfile must never judge staleness itself: the lock manager does, under its guard. */
const NEVER_STALE = Number.MAX_SAFE_INTEGER;
/** The longest delay `setTimeout` honours (proper-lockfile's refresh timer uses it). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A {@link LockPrimitive} over proper-lockfile (docs/LOCKS.md): one `lock()` call per attempt with
 * `retries: 0`, `realpath: false`, `lockfilePath` = the lock's root-relative path, and an `fs`
 * that goes through the backend. proper-lockfile creates the directory and keeps its mtime
 * fresh every `refreshMs` (its floor is 1 s); its own stale reclaim is disabled (a stale time
 * it never reaches), and its `onCompromised` marks the lock lost instead of throwing from its
 * timer. Staleness, reclaim and queueing stay with the lock manager.
 *
 * proper-lockfile stamps mtimes with `Date.now()`, so this primitive runs on the wall clock.
 */
export function properLockfilePrimitive(backend: StorageBackend): LockPrimitive {
  const clock = systemClock;
  const probed = new ProbeCache();
  return {
    async tryAcquire(path, context) {
      const startedAt = clock.now();
      const held = new ProperLock(backend, path, startedAt, context);
      probed.applyTo(held.shim);
      let release: () => Promise<void>;
      try {
        release = await properLock(`/living-reports-lock/${randomUUID()}`, {
          lockfilePath: path,
          realpath: false,
          retries: 0,
          stale: NEVER_STALE,
          update: Math.min(context.refreshMs, MAX_TIMER_MS),
          fs: held.shim,
          onCompromised: (err) => held.lost(err),
        });
      } catch (err) {
        held.shim.disarm();
        if ((err as { code?: unknown }).code === "ELOCKED") return undefined;
        throw unwrapShimError(err);
      }
      probed.learnFrom(held.shim);
      held.started(release);
      return held;
    },
    inspect: (path) => inspectPath(backend, path),
    async remove(path, state) {
      if (state.kind === "directory") await backend.rmdir(path);
      else await backend.unlink(path);
    },
  };
}

/**
 * proper-lockfile probes the filesystem's mtime precision on the first lock taken through an
 * `fs` object (a `utimes` + `stat` of the new lock: a metadata write) and caches the answer on
 * that object under a private symbol. Each lock here has its own shim, so without this every
 * acquisition would probe again; this carries the cached answer (any own symbol property
 * proper-lockfile set) from the first shim to the later ones. The precision is a property of the
 * filesystem, the same for every lock of one backend. Measured: docs/BENCHMARKS.md.
 */
class ProbeCache {
  private learned: [symbol, unknown][] | undefined;

  applyTo(shim: LockFsShim): void {
    for (const [key, value] of this.learned ?? []) Object.defineProperty(shim, key, { value });
  }

  learnFrom(shim: LockFsShim): void {
    if (this.learned !== undefined) return;
    const record = shim as unknown as Record<symbol, unknown>;
    const symbols = Object.getOwnPropertySymbols(shim);
    if (symbols.length > 0) this.learned = symbols.map((key) => [key, record[key]]);
  }
}

class ProperLock implements PrimitiveLock {
  readonly shim: LockFsShim;
  freshAt: number;
  private ino: number | undefined;
  private unlock: (() => Promise<void>) | undefined;
  private gone: Error | undefined;

  constructor(
    private readonly backend: StorageBackend,
    private readonly path: string,
    startedAt: number,
    private readonly context: PrimitiveContext,
  ) {
    this.freshAt = startedAt;
    this.shim = new LockFsShim(backend, systemClock.now, {
      beforeRefresh: () =>
        context.beforeRefresh().catch((err: unknown) => {
          this.lost(err instanceof Error ? err : new Error(String(err)));
          throw err;
        }),
      refreshed: (mtime, at) => {
        // The mtime on disk is never older than this (proper-lockfile may round it up to the second).
        this.freshAt = Math.min(at, mtime.getTime());
      },
      statted: (stats: ShimStats) => {
        if (!this.shim.acquired) this.ino = stats.ino;
      },
    });
  }

  /** The acquisition completed: later utimes calls are refreshes. */
  started(release: () => Promise<void>): void {
    this.unlock = release;
    this.shim.acquired = true;
  }

  /** proper-lockfile (or a refused refresh) says the lock is lost: stop everything, tell the manager. */
  lost(err: Error): void {
    if (this.gone !== undefined) return;
    this.gone = err;
    this.shim.disarm();
    this.context.onLost(err);
  }

  /** proper-lockfile refreshes on its own timer; this checks that the lock on disk is still ours. */
  async refresh(): Promise<void> {
    if (this.gone !== undefined) throw compromised(this.path, this.gone.message, this.gone);
    const current = await inspectPath(this.backend, this.path);
    if (current === undefined) throw compromised(this.path, "the lock was removed");
    if (this.ino !== undefined && current.ino !== this.ino)
      throw compromised(this.path, "the lock was replaced");
  }

  async release(): Promise<void> {
    const unlock = this.unlock;
    this.unlock = undefined;
    if (unlock === undefined || this.gone !== undefined) return;
    try {
      await unlock();
    } catch (err) {
      // ERELEASED: proper-lockfile already gave the lock up as compromised; nothing is ours to remove.
      if ((err as { code?: unknown }).code !== "ERELEASED") throw unwrapShimError(err);
    } finally {
      this.shim.disarm();
    }
  }

  abandon(): void {
    this.gone ??= new Error("abandoned");
    this.shim.disarm();
  }
}

function compromised(path: string, why: string, cause?: unknown): LivingReportsError {
  return new LivingReportsError(ErrorCode.LOCK_COMPROMISED, `lock ${path} compromised: ${why}`, {
    path,
    ...(cause === undefined ? {} : { cause }),
  });
}
