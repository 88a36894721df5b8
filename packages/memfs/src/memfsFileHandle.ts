import { ErrorCode, type FileHandle, type FileStat, LivingReportsError } from "@living-reports/core";
import { attempt, checkCount } from "./attempt.js";
import type { LiveFs, OpenFile } from "./liveFs.js";

/**
 * A file open on a memfs disk. Every write and truncate is recorded as a volatile change of its
 * inode; {@link sync} and {@link datasync} make them durable (the model keeps no separate
 * metadata, so the two are the same). Closing makes nothing durable.
 */
export class MemfsFileHandle implements FileHandle {
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

  read(length: number, position: number): Promise<Uint8Array> {
    return attempt(this.path, "read", () => {
      this.#checkOpen();
      checkCount(length, "length", this.path);
      checkCount(position, "position", this.path);
      return this.#fs.read(this.#file, length, position);
    });
  }

  write(data: Uint8Array, position?: number): Promise<number> {
    return attempt(this.path, "write", () => {
      this.#checkOpen();
      // Mode `a` ignores the position, so it is not checked either.
      const ignored = position === undefined || this.#file.mode === "a";
      const at = ignored ? this.#offset : checkCount(position, "position", this.path);
      const offset = this.#fs.write(this.#file, data, at);
      if (ignored) this.#offset = offset + data.length;
      return data.length;
    });
  }

  sync(): Promise<void> {
    return attempt(this.path, "fsync", () => {
      this.#checkOpen();
      this.#fs.sync(this.#file);
    });
  }

  datasync(): Promise<void> {
    return attempt(this.path, "fdatasync", () => {
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
  loseUnsynced(): Promise<void> {
    return attempt(this.path, "fsync", () => {
      this.#checkOpen();
      this.#fs.loseUnsynced(this.#file);
    });
  }

  truncate(length: number): Promise<void> {
    return attempt(this.path, "ftruncate", () => {
      this.#checkOpen();
      this.#fs.truncate(this.#file, checkCount(length, "length", this.path));
    });
  }

  stat(): Promise<FileStat> {
    return attempt(this.path, "fstat", () => {
      this.#checkOpen();
      return this.#fs.fstat(this.#file);
    });
  }

  /** Closes the handle; closing again does nothing. */
  close(): Promise<void> {
    return attempt(this.path, "close", () => {
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
