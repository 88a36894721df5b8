import {
  ErrorCode,
  type FileStat,
  LivingReportsError,
  normalizePath,
  type OpenMode,
} from "@living-reports/core";
import { attemptSync, checkCount } from "./attempt.js";
import type { LiveFs, OpenFile } from "./liveFs.js";
import type { SyncFileHandle, SyncStorageBackend } from "./syncBackend.js";

const OPEN_MODES: ReadonlySet<string> = new Set<OpenMode>(["r", "r+", "w", "wx", "a"]);

/*
 * The backend's logic, synchronously: every method normalises its paths first (INVALID_PATH
 * before anything is touched), then does one synchronous step on the live filesystem, which
 * makes each call atomic with respect to the other instances. The async backend settles a
 * promise with each of these calls.
 */
export class MemfsSyncBackend implements SyncStorageBackend {
  readonly storageId: string;
  readonly #fs: LiveFs;

  constructor(storageId: string, fs: LiveFs) {
    this.storageId = storageId;
    this.#fs = fs;
  }

  open(path: string, mode: OpenMode): MemfsSyncHandle {
    return attemptSync(path, "open", () => {
      const p = normalizePath(path);
      if (!OPEN_MODES.has(mode)) {
        throw new LivingReportsError(ErrorCode.INVALID_INPUT, `unknown open mode ${JSON.stringify(mode)}`, {
          path,
        });
      }
      return new MemfsSyncHandle(this.#fs, this.#fs.open(p, mode));
    });
  }

  readFile(path: string): Uint8Array {
    return attemptSync(path, "readFile", () => this.#fs.readFile(normalizePath(path)));
  }

  syncDir(path: string): void {
    attemptSync(path, "syncDir", () => this.#fs.syncDir(normalizePath(path)));
  }

  rename(from: string, to: string): void {
    attemptSync(from, "rename", () => this.#fs.rename(normalizePath(from), normalizePath(to)));
  }

  link(existing: string, to: string): void {
    attemptSync(existing, "link", () => this.#fs.link(normalizePath(existing), normalizePath(to)));
  }

  unlink(path: string): void {
    attemptSync(path, "unlink", () => this.#fs.unlink(normalizePath(path)));
  }

  mkdir(path: string): void {
    attemptSync(path, "mkdir", () => this.#fs.mkdir(normalizePath(path)));
  }

  rmdir(path: string): void {
    attemptSync(path, "rmdir", () => this.#fs.rmdir(normalizePath(path)));
  }

  readdir(path: string): string[] {
    return attemptSync(path, "readdir", () => this.#fs.readdir(normalizePath(path)));
  }

  stat(path: string): FileStat {
    return attemptSync(path, "stat", () => this.#fs.stat(normalizePath(path)));
  }

  utimes(path: string, mtimeMs: number): void {
    attemptSync(path, "utimes", () => {
      const p = normalizePath(path);
      if (!Number.isFinite(mtimeMs)) {
        throw new LivingReportsError(
          ErrorCode.INVALID_INPUT,
          `mtime must be a finite number, got ${mtimeMs}`,
          {
            path,
          },
        );
      }
      this.#fs.utimes(p, mtimeMs);
    });
  }
}

/**
 * A file open on a memfs disk. Every write and truncate is recorded as a volatile change of its
 * inode; `sync` and `datasync` make them durable (the model keeps no separate metadata, so the
 * two are the same). Closing makes nothing durable.
 */
export class MemfsSyncHandle implements SyncFileHandle {
  readonly path: string;
  readonly #fs: LiveFs;
  readonly #file: OpenFile;
  #offset = 0;
  #closed = false;

  constructor(fs: LiveFs, file: OpenFile) {
    this.#fs = fs;
    this.#file = file;
    this.path = file.path;
  }

  read(length: number, position: number): Uint8Array {
    return attemptSync(this.path, "read", () => {
      this.#checkOpen();
      checkCount(length, "length", this.path);
      checkCount(position, "position", this.path);
      return this.#fs.read(this.#file, length, position);
    });
  }

  write(data: Uint8Array, position?: number): number {
    return attemptSync(this.path, "write", () => {
      this.#checkOpen();
      // Mode `a` ignores the position, so it is not checked either.
      const ignored = position === undefined || this.#file.mode === "a";
      const at = ignored ? this.#offset : checkCount(position, "position", this.path);
      const offset = this.#fs.write(this.#file, data, at);
      if (ignored) this.#offset = offset + data.length;
      return data.length;
    });
  }

  sync(): void {
    attemptSync(this.path, "fsync", () => {
      this.#checkOpen();
      this.#fs.sync(this.#file);
    });
  }

  /**
   * Simulates what a failed fsync does on Linux (used by fault injection's `loseUnsynced`): the
   * data written since the last sync is dropped from the durability model, so a crash loses it
   * and a later successful `sync` does not make it durable, though reads still see it until a
   * crash. Makes nothing durable and reports nothing: the caller reports the failure.
   */
  loseUnsynced(): void {
    attemptSync(this.path, "fsync", () => {
      this.#checkOpen();
      this.#fs.loseUnsynced(this.#file);
    });
  }

  datasync(): void {
    attemptSync(this.path, "fdatasync", () => {
      this.#checkOpen();
      this.#fs.sync(this.#file);
    });
  }

  truncate(length: number): void {
    attemptSync(this.path, "ftruncate", () => {
      this.#checkOpen();
      this.#fs.truncate(this.#file, checkCount(length, "length", this.path));
    });
  }

  stat(): FileStat {
    return attemptSync(this.path, "fstat", () => {
      this.#checkOpen();
      return this.#fs.fstat(this.#file);
    });
  }

  /** Closes the handle; closing again does nothing. */
  close(): void {
    attemptSync(this.path, "close", () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#fs.close(this.#file);
    });
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new LivingReportsError(ErrorCode.CLOSED, `file handle closed: ${this.path}`, { path: this.path });
  }
}
