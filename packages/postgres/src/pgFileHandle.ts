import {
  ErrorCode,
  type FileHandle,
  type FileStat,
  LivingReportsError,
  type OpenMode,
} from "@living-reports/core";
import type { Database } from "./database.js";
import { type StatRow, toFileStat } from "./fileStat.js";

/**
 * An open file of the postgres backend: the inode it was opened on, and its own offset. Each
 * write is one statement committed asynchronously (visible to every reader at once, like the
 * page cache); {@link sync}/{@link datasync} is one synchronous commit, after which every
 * earlier write to the file is durable (the write-ahead log is flushed up to it). Nothing is
 * buffered here, so two handles on one file see each other's writes in order, as on a disk.
 *
 * A write that failed leaves its outcome in doubt (its connection may have been lost after the
 * commit); like Linux's writeback errors, the next `sync`/`datasync` on this handle then fails
 * with FSYNC_FAILED instead of reporting a success it cannot promise.
 *
 * An inode whose last name was removed while this handle was open is gone from the database:
 * writes and syncs to it are no-ops (what they write is unreachable, as on a disk), reads fail
 * with STORAGE_FAILURE.
 */
export class PgFileHandle implements FileHandle {
  private offset = 0;
  private closed = false;
  private writeFailure: unknown;

  constructor(
    private readonly db: Database,
    readonly path: string,
    private readonly ino: number,
    private readonly mode: OpenMode,
  ) {}

  async read(length: number, position: number): Promise<Uint8Array> {
    this.checkOpen("read");
    if (length <= 0) return new Uint8Array(0);
    const rows = await this.db.call<{ pread: Buffer | null }>(
      "pread",
      [this.ino, position, length],
      this.call("read"),
    );
    const data = rows[0]?.pread;
    if (data === undefined || data === null) throw this.vanished("read");
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  async write(data: Uint8Array, position?: number): Promise<number> {
    this.checkOpen("write");
    if (this.mode === "r") {
      throw new LivingReportsError(ErrorCode.PERMISSION_DENIED, `write ${this.path}: opened read-only`, {
        path: this.path,
        syscall: "EBADF",
      });
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    try {
      if (this.mode === "a") {
        await this.db.call("append", [this.ino, bytes], this.call("write"));
      } else {
        const at = position ?? this.offset;
        await this.db.call("pwrite", [this.ino, at, bytes], this.call("write"));
        if (position === undefined) this.offset = at + data.length;
      }
    } catch (err) {
      this.writeFailure = err;
      throw err;
    }
    return data.length;
  }

  sync(): Promise<void> {
    return this.flush("fsync");
  }

  datasync(): Promise<void> {
    return this.flush("fdatasync");
  }

  async truncate(length: number): Promise<void> {
    this.checkOpen("truncate");
    try {
      await this.db.call("ftruncate", [this.ino, length], this.call("truncate"));
    } catch (err) {
      this.writeFailure = err;
      throw err;
    }
  }

  async stat(): Promise<FileStat> {
    this.checkOpen("stat");
    const rows = await this.db.call<StatRow>("fstat", [this.ino], this.call("stat"));
    const row = rows[0];
    if (row === undefined) throw this.vanished("stat");
    return toFileStat(row);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async flush(op: "fsync" | "fdatasync"): Promise<void> {
    this.checkOpen(op);
    if (this.writeFailure !== undefined) {
      const cause = this.writeFailure;
      throw new LivingReportsError(ErrorCode.FSYNC_FAILED, `${op} ${this.path}: an earlier write failed`, {
        path: this.path,
        cause,
      });
    }
    await this.db.call("fsync", [this.ino], { op: "fsync", path: this.path });
  }

  private call(op: string): { op: string; path: string } {
    return { op, path: this.path };
  }

  private checkOpen(op: string): void {
    if (this.closed) {
      throw new LivingReportsError(ErrorCode.CLOSED, `${op} ${this.path}: the handle is closed`, {
        path: this.path,
        syscall: "EBADF",
      });
    }
  }

  private vanished(op: string): LivingReportsError {
    return new LivingReportsError(
      ErrorCode.STORAGE_FAILURE,
      `${op} ${this.path}: the file was removed while open`,
      {
        path: this.path,
      },
    );
  }
}
