import { randomUUID } from "node:crypto";
import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { LockHandle, LockManager, LockOptions } from "../../lock/lockManager.js";
import { ensureDirectory } from "../shared/files.js";
import { type RootKind, writeFormatMarker } from "../shared/formatMarker.js";
import { SESSIONS, sessionLockPath } from "../shared/layout.js";

/**
 * The session locks held by open stores of this process (`storageId` NUL path): alive by
 * definition, so never claimed, and never waited for (an in-process waiter would queue behind
 * its holder, and on a virtual clock its timeout would never fire).
 */
const liveSessions = new Set<string>();

function sessionKey(backend: StorageBackend, path: string): string {
  return `${backend.storageId}\0${path}`;
}

/** Whether the session lock at `path` is held by an open store of this process. */
export function isLiveSession(backend: StorageBackend, path: string): boolean {
  return liveSessions.has(sessionKey(backend, path));
}

/**
 * The write side of one open store. Reads never write, so nothing happens at open; the first
 * write marks a legacy store with FORMAT and takes a session lock `.sessions/<uuid>.lock`
 * (durable: its directory is synced), held and refreshed until {@link close}. A session lock
 * left behind turns stale once its holder stops refreshing it, and the next open then knows the
 * holder crashed (see {@link claimCrashedSessions}).
 */
export class WriterSession {
  private started: Promise<void> | undefined;
  private handle: LockHandle | undefined;
  private closed = false;

  constructor(
    private readonly backend: StorageBackend,
    private readonly locks: LockManager,
    private readonly lockOptions: LockOptions,
    private readonly readOnly: boolean,
    private rootKind: RootKind,
    /** A strict store leaves an older FORMAT marker as it is (it writes nothing an older reader misreads). */
    private readonly keepOlderFormat = false,
  ) {}

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @throws LivingReportsError CLOSED once the store was closed */
  assertOpen(): void {
    if (this.closed) throw new LivingReportsError(ErrorCode.CLOSED, "the report store is closed");
  }

  /**
   * Called before any write: ensures FORMAT and a live session lock (taken again if the old one
   * was compromised, e.g. after a stall). Concurrent first writes share one acquisition.
   *
   * @throws LivingReportsError CLOSED; READ_ONLY for a store opened `readOnly`; LOCK_TIMEOUT or I/O errors
   */
  async beginWrite(): Promise<void> {
    this.assertOpen();
    if (this.readOnly) {
      throw new LivingReportsError(ErrorCode.READ_ONLY, "the report store was opened read-only");
    }
    if (this.handle?.compromised === true) this.started = undefined;
    this.started ??= this.start().catch((err: unknown) => {
      this.started = undefined;
      throw err;
    });
    await this.started;
    this.assertOpen();
  }

  /**
   * Releases the session lock while the store stays open: a clean end of a write phase whose
   * writes are all durable (recovery at open). The next write takes a new session lock.
   *
   * @throws LivingReportsError the release's or the directory sync's I/O error
   */
  async suspend(): Promise<void> {
    await this.started?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    this.started = undefined;
    if (handle === undefined) return;
    liveSessions.delete(sessionKey(this.backend, handle.path));
    await handle.release();
    await this.backend.syncDir(SESSIONS);
  }

  /** Releases the session lock (a clean shutdown). Idempotent; later calls fail with CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.started?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) {
      liveSessions.delete(sessionKey(this.backend, handle.path));
      await handle.release();
      await this.backend.syncDir(SESSIONS);
    }
  }

  private async start(): Promise<void> {
    // A strict writer keeps an older marker: what it writes, older readers read.
    if (this.rootKind !== "current" && !(this.rootKind === "older" && this.keepOlderFormat)) {
      await writeFormatMarker(this.backend);
      this.rootKind = "current";
    }
    await ensureDirectory(this.backend, SESSIONS);
    const previous = this.handle;
    const path = sessionLockPath(randomUUID());
    liveSessions.add(sessionKey(this.backend, path));
    this.handle = await this.locks.acquire(path, this.lockOptions);
    await this.backend.syncDir(SESSIONS);
    if (previous !== undefined) {
      liveSessions.delete(sessionKey(this.backend, previous.path));
      // A compromised lock may fail to release (it was taken over); the new session lock replaces it.
      await previous.release().catch(() => undefined);
    }
  }
}
