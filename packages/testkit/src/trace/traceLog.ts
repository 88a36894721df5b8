import { ErrorCode, isLivingReportsError } from "@living-reports/core";
import type { TraceArgs, TraceEvent, TraceOp } from "./traceEvent.js";

/** What one call to record carries besides its outcome. */
export interface CallInfo {
  readonly op: TraceOp;
  readonly path: string;
  readonly args: TraceArgs;
  readonly handle?: number;
}

/** What a successful call adds to its event. */
export interface Outcome {
  readonly handle?: number;
  readonly bytes?: number;
}

/**
 * The shared state of one recorder: the event list (appended in place, so a caller's reference
 * stays live; an event's `seq` is its index) and the handle-id counter.
 */
export class TraceLog {
  readonly events: TraceEvent[] = [];
  private nextHandle = 1;

  /** A fresh handle id; ids are never reused, even across `clear()`. */
  newHandleId(): number {
    return this.nextHandle++;
  }

  /** Empties the list in place; the next event gets `seq` 0. */
  clear(): void {
    this.events.length = 0;
  }

  /**
   * Runs `call` and records its outcome. The error, if any, is rethrown unchanged: the recorder
   * observes, it never alters what the caller sees.
   *
   * @param outcome - what a successful result adds to its event: the bytes it moved (read, write),
   *   the id of the handle it opened (open)
   */
  async record<T>(info: CallInfo, call: () => Promise<T>, outcome?: (result: T) => Outcome): Promise<T> {
    let result: T;
    try {
      result = await call();
    } catch (err) {
      this.push(info, isLivingReportsError(err) ? err.code : ErrorCode.STORAGE_FAILURE);
      throw err;
    }
    this.push(info, "ok", outcome?.(result));
    return result;
  }

  private push(info: CallInfo, result: TraceEvent["result"], outcome: Outcome = {}): void {
    const event: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
      seq: this.events.length,
      op: info.op,
      path: info.path,
      args: info.args,
      result,
    };
    const handle = outcome.handle ?? info.handle;
    if (handle !== undefined) event.handle = handle;
    if (outcome.bytes !== undefined) event.bytes = outcome.bytes;
    this.events.push(event);
  }
}

/** The outcome of a read (`read`, `readFile`): how many bytes it returned. */
export const bytesRead = (bytes: Uint8Array): Outcome => ({ bytes: bytes.length });

/** The outcome of a `write`: how many bytes it reported written. */
export const bytesWritten = (bytes: number): Outcome => ({ bytes });
