import type { StorageBackend } from "@living-reports/core";
import { TracedBackend } from "./tracedBackend.js";
import type { TraceEvent } from "./traceEvent.js";
import { TraceLog } from "./traceLog.js";

/** A recording wrapper around a backend: use `backend` in place of the original, read `trace`. */
export interface TraceRecording {
  /** Forwards every call to the wrapped backend and records it; results and errors are unchanged. */
  readonly backend: StorageBackend;
  /** The events so far, in the order calls settled. The same array for the recording's lifetime. */
  readonly trace: readonly TraceEvent[];
  /** Forgets the events so far (in place); open handles stay open and keep their ids. */
  clear(): void;
}

/**
 * Wraps `backend` so that every backend and handle call becomes a {@link TraceEvent}: what ran, on
 * which path and handle, with which arguments (write data is copied), and whether it succeeded or
 * which error code it threw. `clock` and `lockPrimitive(on)` forward to the wrapped backend's, so
 * lock files made through `on` (this wrapper, or one around it) are traced as well.
 *
 * Never throws by itself; every error comes from the wrapped backend, rethrown as is.
 */
export function recordTrace(backend: StorageBackend): TraceRecording {
  const log = new TraceLog();
  return {
    backend: new TracedBackend(backend, log),
    trace: log.events,
    clear: () => log.clear(),
  };
}
