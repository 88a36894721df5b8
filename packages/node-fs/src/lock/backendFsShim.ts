import { ErrorCode, isLivingReportsError, type StorageBackend } from "@living-reports/core";

/** A node-style callback, as proper-lockfile passes them. */
type Callback<T> = (err: ShimError | null, value?: T) => void;

/** A backend failure dressed as a node errno error (proper-lockfile branches on `code`). */
export interface ShimError extends Error {
  readonly code: string;
}

/** The part of a `fs.Stats` proper-lockfile reads. */
export interface ShimStats {
  readonly mtime: Date;
  readonly ino: number;
}

/** The callback `fs` proper-lockfile calls (`realpath: false`, so no realpath). */
export interface BackendFsShim {
  mkdir(path: string, cb: Callback<void>): void;
  rmdir(path: string, cb: Callback<void>): void;
  stat(path: string, cb: Callback<ShimStats>): void;
  utimes(path: string, atime: Date, mtime: Date, cb: Callback<void>): void;
}

/** What the shim reports to the lock that owns it. */
export interface ShimEvents {
  /** Awaited before a refresh write (not the acquisition's mtime probe); rejecting fails the write. */
  beforeRefresh(): Promise<void>;
  /** A refresh write of `mtime` succeeded; `startedAt` is the clock time it began. */
  refreshed(mtime: Date, startedAt: number): void;
  /** A stat of the lock succeeded. */
  statted(stats: ShimStats): void;
}

const ERRNO_OF: Partial<Record<string, string>> = {
  [ErrorCode.ALREADY_EXISTS]: "EEXIST",
  [ErrorCode.NOT_FOUND]: "ENOENT",
  [ErrorCode.WRONG_KIND]: "ENOTDIR",
};

/**
 * A callback-style `fs` over a {@link StorageBackend} for proper-lockfile, so that its lock
 * directories are made, refreshed and removed through the backend (and show in its traces).
 * Errors keep the backend's LivingReportsError as `cause`; {@link unwrapShimError} gets it back.
 * Once {@link disarm}ed, every call fails with ENOENT without touching the disk, which makes
 * proper-lockfile's refresh timer stop for good.
 */
export class LockFsShim implements BackendFsShim {
  private disarmed = false;
  /** Set once the acquisition finished: utimes calls after it are refreshes. */
  acquired = false;

  constructor(
    private readonly backend: StorageBackend,
    private readonly now: () => number,
    private readonly events: ShimEvents,
  ) {}

  /** Refuses every later call (see the class comment). */
  disarm(): void {
    this.disarmed = true;
  }

  mkdir(path: string, cb: Callback<void>): void {
    this.run(path, () => this.backend.mkdir(path), cb);
  }

  rmdir(path: string, cb: Callback<void>): void {
    this.run(path, () => this.backend.rmdir(path), cb);
  }

  stat(path: string, cb: Callback<ShimStats>): void {
    this.run(
      path,
      async () => {
        const st = await this.backend.stat(path);
        const stats = { mtime: new Date(st.mtimeMs), ino: st.ino };
        this.events.statted(stats);
        return stats;
      },
      cb,
    );
  }

  utimes(path: string, _atime: Date, mtime: Date, cb: Callback<void>): void {
    const refresh = this.acquired;
    this.run(
      path,
      async () => {
        if (refresh) await this.events.beforeRefresh();
        const startedAt = this.now();
        await this.backend.utimes(path, mtime.getTime());
        if (refresh) this.events.refreshed(mtime, startedAt);
      },
      cb,
    );
  }

  private run<T>(path: string, op: () => Promise<T>, cb: Callback<T>): void {
    if (this.disarmed) {
      cb(shimError(path, "ENOENT", new Error("the lock was given up")));
      return;
    }
    op().then(
      (value) => cb(null, value),
      (err: unknown) => cb(shimError(path, errnoOf(err), err)),
    );
  }
}

/** The backend's own error behind a shim error (or whatever proper-lockfile produced). */
export function unwrapShimError(err: unknown): unknown {
  return err instanceof Error && (err as { shim?: boolean }).shim === true ? err.cause : err;
}

function errnoOf(err: unknown): string {
  if (!isLivingReportsError(err)) return "EIO";
  return err.syscode ?? ERRNO_OF[err.code] ?? "EIO";
}

function shimError(path: string, code: string, cause: unknown): ShimError {
  return Object.assign(new Error(`${code}: ${path}`, { cause }), { code, shim: true });
}
