import type { FileHandle, FileStat } from "@living-reports/core";
import { loseUnsynced } from "../support/loseUnsynced.js";
import { faultedCall } from "./faultedCall.js";
import type { FaultInjector } from "./faultInjector.js";
import { injectedError } from "./injectedFault.js";

/** A {@link FileHandle} whose calls go through a {@link FaultInjector} (see {@link FaultyBackend}). */
export class FaultyHandle implements FileHandle {
  readonly #inner: FileHandle;
  readonly #injector: FaultInjector;

  constructor(inner: FileHandle, injector: FaultInjector) {
    this.#inner = inner;
    this.#injector = injector;
  }

  get path(): string {
    return this.#inner.path;
  }

  read(length: number, position: number): Promise<Uint8Array> {
    return faultedCall(this.#injector, {
      op: "read",
      path: this.path,
      run: () => this.#inner.read(length, position),
    });
  }

  /**
   * Writes through the injector. A short-write fault writes only its prefix (at `position`, or
   * at the append point / current offset as the inner handle decides), then rejects with its
   * error or, without one, resolves to the bytes written.
   */
  async write(data: Uint8Array, position?: number): Promise<number> {
    const write = (bytes: Uint8Array): Promise<number> =>
      position === undefined ? this.#inner.write(bytes) : this.#inner.write(bytes, position);
    const decision = this.#injector.decide("write", this.path);
    if (decision === undefined) return await write(data);
    let written = 0;
    if (decision.shortWrite !== undefined) {
      const length = Math.min(decision.shortWrite, data.byteLength);
      if (length > 0) written = await write(data.subarray(0, length));
      if (decision.error === undefined) return written;
    } else if (decision.applied) {
      await write(data);
    }
    throw injectedError(decision.error ?? "EIO", "write", this.path);
  }

  sync(): Promise<void> {
    return faultedCall(this.#injector, {
      op: "sync",
      path: this.path,
      run: () => this.#inner.sync(),
      lose: () => loseUnsynced(this.#inner),
    });
  }

  datasync(): Promise<void> {
    return faultedCall(this.#injector, {
      op: "datasync",
      path: this.path,
      run: () => this.#inner.datasync(),
      lose: () => loseUnsynced(this.#inner),
    });
  }

  truncate(length: number): Promise<void> {
    return faultedCall(this.#injector, {
      op: "truncate",
      path: this.path,
      run: () => this.#inner.truncate(length),
    });
  }

  stat(): Promise<FileStat> {
    return faultedCall(this.#injector, { op: "stat", path: this.path, run: () => this.#inner.stat() });
  }

  close(): Promise<void> {
    return faultedCall(this.#injector, { op: "close", path: this.path, run: () => this.#inner.close() });
  }
}
