import type { FileHandle, FileStat } from "@living-reports/core";
import type { TraceArgs, TraceOp } from "./traceEvent.js";
import type { CallInfo, TraceLog } from "./traceLog.js";

/** A {@link FileHandle} that records every call in a {@link TraceLog} under its handle id. */
export class TracedHandle implements FileHandle {
  constructor(
    private readonly inner: FileHandle,
    private readonly log: TraceLog,
    /** The id this handle's events carry (also on the `open` event that made it). */
    readonly id: number,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  read(length: number, position: number): Promise<Uint8Array> {
    return this.log.record(
      this.info("read", { length, position }),
      () => this.inner.read(length, position),
      (bytes) => ({ bytes: bytes.length }),
    );
  }

  write(data: Uint8Array, position?: number): Promise<number> {
    // Copy now: the caller may reuse its buffer before the crash explorer replays this write.
    const copy = data.slice();
    const args = position === undefined ? { data: copy } : { data: copy, position };
    return this.log.record(
      this.info("write", args),
      () => (position === undefined ? this.inner.write(data) : this.inner.write(data, position)),
      (written) => ({ bytes: written }),
    );
  }

  sync(): Promise<void> {
    return this.log.record(this.info("sync", {}), () => this.inner.sync());
  }

  datasync(): Promise<void> {
    return this.log.record(this.info("datasync", {}), () => this.inner.datasync());
  }

  truncate(length: number): Promise<void> {
    return this.log.record(this.info("truncate", { length }), () => this.inner.truncate(length));
  }

  stat(): Promise<FileStat> {
    return this.log.record(this.info("stat", {}), () => this.inner.stat());
  }

  close(): Promise<void> {
    return this.log.record(this.info("close", {}), () => this.inner.close());
  }

  private info(op: TraceOp, args: TraceArgs): CallInfo {
    return { op, path: this.inner.path, args, handle: this.id };
  }
}
