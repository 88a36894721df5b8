import type { FileHandle, FileStat } from "@living-reports/core";
import { settle } from "./attempt.js";
import type { MemfsSyncHandle } from "./memfsSyncBackend.js";

/**
 * A file open on a memfs disk: each call one synchronous step of the sync handle, which holds
 * the logic (every write and truncate a volatile change of the inode, `sync`/`datasync` making
 * them durable, `close` making nothing durable).
 */
export class MemfsFileHandle implements FileHandle {
  readonly path: string;
  readonly #sync: MemfsSyncHandle;

  constructor(sync: MemfsSyncHandle) {
    this.#sync = sync;
    this.path = sync.path;
  }

  read(length: number, position: number): Promise<Uint8Array> {
    return settle(() => this.#sync.read(length, position));
  }

  write(data: Uint8Array, position?: number): Promise<number> {
    return settle(() => this.#sync.write(data, position));
  }

  sync(): Promise<void> {
    return settle(() => this.#sync.sync());
  }

  datasync(): Promise<void> {
    return settle(() => this.#sync.datasync());
  }

  /**
   * Simulates what a failed fsync does on Linux (used by fault injection's `loseUnsynced`): the
   * data written since the last sync is dropped from the durability model, so a crash loses it
   * and a later successful `sync` does not make it durable, though reads still see it until a
   * crash. Makes nothing durable and reports nothing: the caller reports the failure.
   */
  loseUnsynced(): Promise<void> {
    return settle(() => this.#sync.loseUnsynced());
  }

  truncate(length: number): Promise<void> {
    return settle(() => this.#sync.truncate(length));
  }

  stat(): Promise<FileStat> {
    return settle(() => this.#sync.stat());
  }

  /** Closes the handle; closing again does nothing. */
  close(): Promise<void> {
    return settle(() => this.#sync.close());
  }
}
