import * as fs from "node:fs";
import {
  ErrorCode,
  type FileHandle,
  type FileStat,
  fromSystemError,
  LivingReportsError,
  type OpenMode,
} from "@living-reports/core";
import { toFileStat } from "./fileStat.js";
import type { FsyncApi, SyncScheduler } from "./syncScheduler.js";

/**
 * A {@link FileHandle} over a raw file descriptor. Reads, writes, truncate and stat are
 * synchronous calls (page-cache work, cheaper than a thread-pool hop); sync and datasync go
 * through the {@link SyncScheduler}. Every failure is mapped with {@link fromSystemError};
 * a failed sync is FSYNC_FAILED. After {@link close}, every call but `close` throws CLOSED.
 */
export class NodeFileHandle implements FileHandle {
  private fd: number | null;
  private dirty = false;
  /** A sync running in the thread pool: close waits for it so that the fd is never reused under it. */
  private pending: Promise<unknown> | null = null;

  constructor(
    readonly path: string,
    fd: number,
    private readonly mode: OpenMode,
    private readonly scheduler: SyncScheduler,
    private readonly fsyncApi: FsyncApi,
  ) {
    this.fd = fd;
  }

  async read(length: number, position: number): Promise<Uint8Array> {
    const fd = this.open("read");
    const buf = new Uint8Array(length);
    let got = 0;
    try {
      while (got < length) {
        const n = fs.readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
      }
    } catch (err) {
      throw fromSystemError(err, this.path, "read");
    }
    return got === length ? buf : buf.slice(0, got);
  }

  async write(data: Uint8Array, position?: number): Promise<number> {
    const fd = this.open("write");
    // O_APPEND writes land at the end whatever the position; null means "current offset".
    let at = this.mode === "a" || position === undefined ? null : position;
    let done = 0;
    this.markDirty();
    try {
      while (done < data.length) {
        const n = fs.writeSync(fd, data, done, data.length - done, at);
        done += n;
        if (at !== null) at += n;
      }
    } catch (err) {
      throw fromSystemError(err, this.path, "write");
    }
    return done;
  }

  sync(): Promise<void> {
    return this.flush(false);
  }

  datasync(): Promise<void> {
    return this.flush(true);
  }

  async truncate(length: number): Promise<void> {
    const fd = this.open("truncate");
    this.markDirty();
    try {
      fs.ftruncateSync(fd, length);
    } catch (err) {
      throw fromSystemError(err, this.path, "truncate");
    }
  }

  async stat(): Promise<FileStat> {
    const fd = this.open("stat");
    try {
      return toFileStat(fs.fstatSync(fd));
    } catch (err) {
      throw fromSystemError(err, this.path, "stat");
    }
  }

  /** Closes the descriptor (after a sync in flight settles). Idempotent; never syncs. */
  async close(): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    // Its failure was already reported to the caller of sync(); close only waits for the fd.
    if (this.pending !== null) await this.pending.catch(() => undefined);
    this.markClean();
    try {
      fs.closeSync(fd);
    } catch (err) {
      throw fromSystemError(err, this.path, "close");
    }
  }

  private async flush(dataOnly: boolean): Promise<void> {
    const op = dataOnly ? "fdatasync" : "fsync";
    const run = this.scheduler.sync(this.open(op), dataOnly, this.fsyncApi, this.dirty);
    this.pending = run;
    try {
      await run;
    } catch (err) {
      // The handle stays dirty: a failed sync leaves its writes in doubt, never "clean".
      throw fromSystemError(err, this.path, op);
    } finally {
      if (this.pending === run) this.pending = null;
    }
    this.markClean();
  }

  /**
   * `dirty` only steers the scheduler (durability comes from the sync itself): clearing it after
   * a write that raced an in-flight sync at worst makes one later sync run inline.
   */
  private markClean(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.scheduler.markClean();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.scheduler.markDirty();
  }

  private open(op: string): number {
    if (this.fd === null) {
      throw new LivingReportsError(ErrorCode.CLOSED, `${op} ${this.path}: the file handle is closed`, {
        path: this.path,
      });
    }
    return this.fd;
  }
}
