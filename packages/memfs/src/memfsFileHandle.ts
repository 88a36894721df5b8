import type { FileHandle, FileStat } from "@living-reports/core";
import { settle } from "./attempt.js";
import type { SyncFileHandle } from "./syncBackend.js";

/**
 * A file open on a memfs disk: each call one synchronous step of the sync handle, which holds
 * the logic (every write and truncate a volatile change of the inode, `sync`/`datasync` making
 * them durable, `close` making nothing durable).
 */
export class MemfsFileHandle implements FileHandle {
  readonly path: string;
  readonly #sync: SyncFileHandle;

  constructor(sync: SyncFileHandle) {
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
