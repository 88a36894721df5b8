import type { ErrorCode, OpenMode } from "@living-reports/core";

/** Every backend and handle call a recorder traces. Handle calls (`read` ... `close`, handle `stat`) carry a handle id. */
export type TraceOp =
  | "open"
  | "read"
  | "write"
  | "sync"
  | "datasync"
  | "truncate"
  | "close"
  | "readFile"
  | "syncDir"
  | "rename"
  | "link"
  | "unlink"
  | "mkdir"
  | "rmdir"
  | "readdir"
  | "stat"
  | "utimes";

/** The ops, in a fixed order (for summaries and exhaustive checks). */
export const TRACE_OPS: readonly TraceOp[] = [
  "open",
  "read",
  "write",
  "sync",
  "datasync",
  "truncate",
  "close",
  "readFile",
  "syncDir",
  "rename",
  "link",
  "unlink",
  "mkdir",
  "rmdir",
  "readdir",
  "stat",
  "utimes",
];

/**
 * The arguments of a call, as far as replaying it needs them. Only the members the op has are set:
 * `mode` (open), `position` (read, and write when given), `length` (read, truncate), `data` (write:
 * a copy taken when the call was made), `to` (rename, link), `mtimeMs` (utimes).
 */
export interface TraceArgs {
  readonly mode?: OpenMode;
  readonly position?: number;
  readonly length?: number;
  readonly data?: Uint8Array;
  readonly to?: string;
  readonly mtimeMs?: number;
}

/**
 * One call, recorded when it settled. Self-contained: everything but `args.data` is plain JSON, so
 * a trace can be stored, printed and replayed on a fresh backend.
 */
export interface TraceEvent {
  /** Position in the trace (0-based, in the order calls settled; restarts at 0 after `clear()`). */
  readonly seq: number;
  readonly op: TraceOp;
  /** The root-relative path the call named (for handle calls, the path the handle was opened with). */
  readonly path: string;
  /** The handle id: on handle calls, and on a successful `open` (the id its handle calls will carry). */
  readonly handle?: number;
  readonly args: TraceArgs;
  /** `ok`, or the code of the error the call threw (STORAGE_FAILURE for an error that is not a LivingReportsError). */
  readonly result: "ok" | ErrorCode;
  /** Bytes read (read, readFile) or written (write) when the call succeeded. */
  readonly bytes?: number;
}
