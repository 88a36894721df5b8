import { DelegatingBackend, DelegatingHandle } from "../../backend/delegatingBackend.js";
import type { FileHandle, OpenMode, StorageBackend } from "../../backend/storageBackend.js";

/** What a {@link LockBoundBackend} checks: a held lock (or anything that can tell it still holds one). */
export interface Fence {
  /** Throws (LOCK_COMPROMISED) when the lock is no longer safely held. */
  assertHeld(): void;
}

/**
 * The backend as seen by code that writes under a lock: every mutating call (opening a file for
 * writing, writing, truncating, rename, link, unlink, mkdir, rmdir, utimes, replaceFile) first checks
 * `lock.assertHeld()`, so a holder that lost its lock or stalled past its stale time (G7) aborts
 * before its next write, by construction rather than by a check placed before each write.
 * Reads and syncs pass unchecked: a sync only makes durable what was already written.
 *
 * The check is as strong as `assertHeld` (see LockHandle): it cannot stop a holder paused
 * between the check and the call it guards.
 */
export class LockBoundBackend<L extends Fence = Fence> extends DelegatingBackend {
  /**
   * The inner backend's optional `replaceFile`, checked like every write; absent when the inner
   * backend has none (callers then take the temp file and the rename, each checked).
   */
  declare readonly replaceFile?: (path: string, data: Uint8Array) => Promise<void>;

  constructor(
    inner: StorageBackend,
    /** The lock every write is checked against. */
    readonly lock: L,
  ) {
    super(inner);
    const replace = inner.replaceFile;
    if (replace !== undefined) {
      this.replaceFile = async (path, data) => {
        this.lock.assertHeld();
        await replace.call(inner, path, data);
      };
    }
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    if (mode === "r") return await super.open(path, mode);
    this.lock.assertHeld();
    return new LockBoundHandle(await super.open(path, mode), this.lock);
  }

  override async rename(from: string, to: string): Promise<void> {
    this.lock.assertHeld();
    await super.rename(from, to);
  }

  override async link(existing: string, to: string): Promise<void> {
    this.lock.assertHeld();
    await super.link(existing, to);
  }

  override async unlink(path: string): Promise<void> {
    this.lock.assertHeld();
    await super.unlink(path);
  }

  override async mkdir(path: string): Promise<void> {
    this.lock.assertHeld();
    await super.mkdir(path);
  }

  override async rmdir(path: string): Promise<void> {
    this.lock.assertHeld();
    await super.rmdir(path);
  }

  override async utimes(path: string, mtimeMs: number): Promise<void> {
    this.lock.assertHeld();
    await super.utimes(path, mtimeMs);
  }
}

/** A file opened for writing through a {@link LockBoundBackend}: writes and truncations are checked. */
class LockBoundHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly lock: Fence,
  ) {
    super(inner);
  }

  override async write(data: Uint8Array, position?: number): Promise<number> {
    this.lock.assertHeld();
    return await super.write(data, position);
  }

  override async truncate(length: number): Promise<void> {
    this.lock.assertHeld();
    await super.truncate(length);
  }
}
