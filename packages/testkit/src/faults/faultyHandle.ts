import type { FileHandle, FileStat } from "@living-reports/core";
import { DelegatingHandle } from "../support/delegatingBackend.js";
import { faultedCall } from "./faultedCall.js";
import type { FaultInjector } from "./faultInjector.js";
import type { FaultOp } from "./faultRule.js";
import { injectedError } from "./injectedFault.js";

/**
 * A {@link FileHandle} whose calls go through a {@link FaultInjector} (see {@link FaultyBackend}).
 * The base forwards `path`, and memfs's `loseUnsynced` (the data a sync fault drops) unfaulted.
 */
export class FaultyHandle extends DelegatingHandle {
  readonly #injector: FaultInjector;
  /** What a `loseUnsynced` fault of a sync does instead of syncing. */
  readonly #lose = (): Promise<void> => this.loseUnsynced();

  constructor(inner: FileHandle, injector: FaultInjector) {
    super(inner);
    this.#injector = injector;
  }

  override read(length: number, position: number): Promise<Uint8Array> {
    return this.#faulted("read", () => super.read(length, position));
  }

  /**
   * Writes through the injector. A short-write fault writes only its prefix (at `position`, or
   * at the append point / current offset as the inner handle decides), then rejects with its
   * error or, without one, resolves to the bytes written.
   */
  override async write(data: Uint8Array, position?: number): Promise<number> {
    const write = (bytes: Uint8Array): Promise<number> => super.write(bytes, position);
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

  override sync(): Promise<void> {
    return this.#faulted("sync", () => super.sync(), this.#lose);
  }

  override datasync(): Promise<void> {
    return this.#faulted("datasync", () => super.datasync(), this.#lose);
  }

  override truncate(length: number): Promise<void> {
    return this.#faulted("truncate", () => super.truncate(length));
  }

  override stat(): Promise<FileStat> {
    return this.#faulted("stat", () => super.stat());
  }

  override close(): Promise<void> {
    return this.#faulted("close", () => super.close());
  }

  /** Makes one call through the injector; `lose` (a sync's) drops the file's unsynced data instead. */
  #faulted<T>(op: FaultOp, run: () => Promise<T>, lose?: () => Promise<void>): Promise<T> {
    return faultedCall(this.#injector, { op, path: this.path, run, lose });
  }
}
