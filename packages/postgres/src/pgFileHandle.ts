import {
  ErrorCode,
  type FileHandle,
  type FileStat,
  LivingReportsError,
  type OpenMode,
} from "@living-reports/core";
import { type Commit, type Database, READ } from "./database.js";
import { type PathStatRow, type StatRow, toFileStat } from "./fileStat.js";
import type { BufferedRun, BufferingHandle, SharedInode } from "./inodeWriters.js";

/** Buffered bytes past which a handle writes them out without waiting for a sync or close. */
const MAX_BUFFERED = 1 << 20;

/** What a statement sending buffered writes returned. */
interface Sent {
  /** The file after the writes (`undefined`: the inode is gone). */
  readonly stat?: FileStat;
  /** With a stat by path in the same statement: its row. */
  readonly path?: PathStatRow;
}

/**
 * The file's state as the handle's last statement returned it, and the database activity count
 * (Database.activity) at which it still stands for an fstat.
 */
export interface Answered {
  readonly stat: FileStat;
  readonly at: number;
}

/**
 * An open file of the postgres backend: the inode it was opened on, its own offset, and the writes
 * not yet sent. Writes are buffered in this process (contiguous ones merged) and sent as one
 * statement: by `sync`/`datasync`, together with a synchronous commit (after which every write
 * made through this handle is durable); by `close`, `read`, `stat`, `truncate` or a full buffer,
 * commit: a page cache whose writeback is the close). So another app server sees this handle's
 * writes once it is closed or synced, as every caller in core reads a file (after its writer
 * closed or synced it); this backend instance's `readFile` and `stat` send them first. Handles of one backend instance on one inode share their buffering
 * (inodeWriters.ts): a read or write through one first sends another's buffered writes, so they
 * see each other's writes in order, as on a disk.
 *
 * A write that failed to go out leaves its outcome in doubt (its connection may have been lost
 * after the commit); like Linux's writeback errors, the next `sync`/`datasync` on this handle then
 * fails with FSYNC_FAILED instead of reporting a success it cannot promise.
 *
 * `stat` asks the database (one statement), except right after a statement of this handle that
 * returned the file's state (its `open`, or a sending of its writes: a `sync` or `datasync`, a
 * full buffer) when no other statement of this backend instance ran in between: the fstat is
 * answered from that statement, as if it had run at that statement's commit. Nothing this process
 * changed or learned through the database since is missing from it; a change another app server
 * commits in between is ordered after the fstat, as a concurrent change may be. (Core's audit
 * fence reads the size its append left, and the index append the inode it opened: each one
 * statement fewer per update.)
 *
 * An inode whose last name was removed while this handle was open is gone from the database:
 * writes and syncs to it are no-ops (what they write is unreachable, as on a disk), reads fail
 * with STORAGE_FAILURE.
 */
export class PgFileHandle implements FileHandle, BufferingHandle {
  private offset = 0;
  private closed = false;
  private writeFailure: unknown;
  private chunks: BufferedRun[] = [];
  private buffered = 0;
  /** See {@link Answered}; consumed by the next `stat`. */
  private answered: Answered | undefined;

  constructor(
    private readonly db: Database,
    readonly path: string,
    private readonly ino: number,
    private readonly mode: OpenMode,
    /** Shared with the backend's other open handles on this inode. */
    private readonly shared: SharedInode,
    /** Called once, at close, to let go of {@link shared}. */
    private readonly release: () => void,
    /** What `open` returned, for an fstat right after it. */
    opened?: Answered,
  ) {
    this.answered = opened;
  }

  async sendBuffered(): Promise<void> {
    await this.send(false, "write");
  }

  async sendBufferedThenStat(path: string): Promise<PathStatRow | undefined> {
    return (await this.send(false, "write", path))?.path;
  }

  /** Hands over this handle's buffered writes (to whichever handle sends them). */
  takeBuffered(): BufferedRun[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.buffered = 0;
    if (this.shared.buffering === this) this.shared.buffering = undefined;
    return chunks;
  }

  async read(length: number, position: number): Promise<Uint8Array> {
    this.checkOpen("read");
    if (length <= 0) return new Uint8Array(0);
    await this.send(false, "read");
    const rows = await this.db.call<{ pread: Buffer | null }>(
      "pread",
      [this.ino, position, length],
      this.call("read"),
      READ,
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
    // Another handle's buffered writes to this file were made first: they go first.
    if (this.shared.buffering !== undefined && this.shared.buffering !== this)
      void this.send(false, "write").catch(() => undefined);
    // A copy: the caller may reuse its buffer once the write resolved.
    const bytes = Buffer.from(data);
    if (this.mode === "a") {
      this.buffer(-1, bytes);
    } else {
      const at = position ?? this.offset;
      this.buffer(at, bytes);
      if (position === undefined) this.offset = at + data.length;
    }
    if (this.buffered >= MAX_BUFFERED) await this.send(false, "write");
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
    await this.send(false, "truncate");
    try {
      await this.db.call("ftruncate", [this.ino, length], this.call("truncate"), this.written("async"));
    } catch (err) {
      this.writeFailure = err;
      throw err;
    }
  }

  async stat(): Promise<FileStat> {
    this.checkOpen("stat");
    const sent = await this.send(false, "stat");
    if (sent !== undefined) {
      // The statement that sent the buffered writes ran within this call: its answer is current.
      this.answered = undefined;
      if (sent.stat === undefined) throw this.vanished("stat");
      return sent.stat;
    }
    const answered = this.answered;
    this.answered = undefined;
    if (answered !== undefined && answered.at === this.db.activity) return answered.stat;
    const rows = await this.db.call<StatRow>("fstat", [this.ino], this.call("stat"), READ);
    const row = rows[0];
    if (row === undefined) throw this.vanished("stat");
    return toFileStat(row);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.answered = undefined;
    try {
      if (this.shared.buffering === this) await this.send(false, "close");
    } finally {
      this.release();
    }
  }

  private async flush(op: "fsync" | "fdatasync"): Promise<void> {
    this.checkOpen(op);
    try {
      await this.send(true, op);
    } catch (err) {
      if (err instanceof LivingReportsError && err.code === ErrorCode.FSYNC_FAILED) throw err;
      throw new LivingReportsError(ErrorCode.FSYNC_FAILED, `${op} ${this.path}: ${String(err)}`, {
        path: this.path,
        cause: err,
      });
    }
    if (this.writeFailure !== undefined) {
      const cause = this.writeFailure;
      throw new LivingReportsError(ErrorCode.FSYNC_FAILED, `${op} ${this.path}: an earlier write failed`, {
        path: this.path,
        cause,
      });
    }
  }

  /** Adds `bytes` at `at` (-1: append) to the buffer, merged with the last run when contiguous. */
  private buffer(at: number, bytes: Buffer): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined && (at === -1 ? last.at === -1 : last.at !== -1 && last.at + last.length === at)) {
      last.parts.push(bytes);
      last.length += bytes.length;
    } else {
      this.chunks.push({ at, parts: [bytes], length: bytes.length });
    }
    this.buffered += bytes.length;
    this.shared.buffering = this;
  }

  /**
   * Sends the writes buffered on this inode (by this handle or another) in one statement, after
   * any statement already sending to it: with a synchronous commit when `sync` (always, even with
   * nothing buffered: it is the handle's durability point), otherwise only when something is
   * buffered; with `statPath` (not with `sync`), a stat of that path in the same statement.
   * Resolves to what the statement returned, `undefined` when none ran. A failure is remembered
   * for the next sync of the handle whose writes failed (and of this one), and thrown.
   */
  private send(sync: boolean, op: string, statPath?: string): Promise<Sent | undefined> {
    const owner = this.shared.buffering;
    const chunks = owner === undefined ? [] : owner.takeBuffered();
    const run = this.shared.tail.then(async (): Promise<Sent | undefined> => {
      if (chunks.length === 0 && !sync) return undefined;
      const at = chunks.map((c) => c.at);
      const data = chunks.map((c) => (c.parts.length === 1 ? c.parts[0] : Buffer.concat(c.parts, c.length)));
      try {
        if (statPath !== undefined && !sync) {
          const rows = await this.db.call<PathStatRow & { written: boolean }>(
            "write_then_stat",
            [this.ino, at, data, statPath],
            this.call(op),
            this.written("async"),
          );
          const row = rows[0];
          return row === undefined ? {} : { path: row };
        }
        const before = this.db.activity;
        const rows = await this.db.call<{ size: string | number; mtime_ms: number }>(
          "write_chunks",
          [this.ino, at, data, sync],
          this.call(sync ? "fsync" : op),
          this.written(sync ? "sync" : "async"),
        );
        const row = rows[0];
        if (row === undefined) return {};
        const stat: FileStat = {
          kind: "file",
          size: Number(row.size),
          mtimeMs: Number(row.mtime_ms),
          ino: this.ino,
        };
        this.answered = { stat, at: this.db.activityAfterOne(before) };
        return { stat };
      } catch (err) {
        // A failed sync reports its own writes' failure; anyone else's waits for their next sync.
        if (owner instanceof PgFileHandle && !(sync && owner === this)) owner.writeFailure = err;
        if (!sync) this.writeFailure = err;
        throw err;
      }
    });
    this.shared.tail = run.catch(() => undefined);
    return run;
  }

  private written(kind: "async" | "sync"): Commit {
    return { kind, keys: [`ino:${this.ino}`] };
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
