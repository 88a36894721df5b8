import type { FileHandle, FileStat } from "@living-reports/core";
import { DelegatingHandle } from "../support/delegatingBackend.js";
import type { TraceArgs, TraceOp } from "./traceEvent.js";
import { bytesRead, bytesWritten, type Outcome, type TraceLog } from "./traceLog.js";

/**
 * A {@link FileHandle} that records every call in a {@link TraceLog} under its handle id.
 * The base forwards `path`, and memfs's `loseUnsynced` (a simulated failed fsync, no primitive) untraced.
 */
export class TracedHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly log: TraceLog,
    /** The id this handle's events carry (also on the `open` event that made it). */
    readonly id: number,
  ) {
    super(inner);
  }

  override read(length: number, position: number): Promise<Uint8Array> {
    return this.traced("read", { length, position }, () => super.read(length, position), bytesRead);
  }

  override write(data: Uint8Array, position?: number): Promise<number> {
    // Copy now: the caller may reuse its buffer before the crash explorer replays this write.
    const copy = data.slice();
    const args = position === undefined ? { data: copy } : { data: copy, position };
    return this.traced("write", args, () => super.write(data, position), bytesWritten);
  }

  override sync(): Promise<void> {
    return this.traced("sync", {}, () => super.sync());
  }

  override datasync(): Promise<void> {
    return this.traced("datasync", {}, () => super.datasync());
  }

  override truncate(length: number): Promise<void> {
    return this.traced("truncate", { length }, () => super.truncate(length));
  }

  override stat(): Promise<FileStat> {
    return this.traced("stat", {}, () => super.stat());
  }

  override close(): Promise<void> {
    return this.traced("close", {}, () => super.close());
  }

  /** Records one call around the inner one, under this handle's id. */
  private traced<T>(op: TraceOp, args: TraceArgs, call: () => Promise<T>, outcome?: (r: T) => Outcome) {
    return this.log.record({ op, path: this.inner.path, args, handle: this.id }, call, outcome);
  }
}
