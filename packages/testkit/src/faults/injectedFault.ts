import { fromSystemError, type LivingReportsError } from "@living-reports/core";
import type { FaultErrorCode, FaultOp } from "./faultRule.js";

/**
 * The system-like error an injected fault raises before it is mapped: an `Error` with the errno
 * in `code`, as node:fs throws. It is the `cause` of the {@link LivingReportsError} a faulted
 * call rejects with, so a test can tell an injected failure from a genuine one.
 */
export class InjectedFault extends Error {
  /** The errno, as node:fs puts it. */
  readonly code: FaultErrorCode;
  /** The faulted op. */
  readonly op: FaultOp;
  /** The faulted call's (root-relative) path. */
  readonly path: string;
  /** Always true: marks the error as injected. */
  readonly injected = true;

  constructor(code: FaultErrorCode, op: FaultOp, path: string) {
    // fromSystemError prefixes the op, the path and the errno: say only what happened.
    super("injected fault");
    this.name = "InjectedFault";
    this.code = code;
    this.op = op;
    this.path = path;
  }
}

/** The syscall names real backends pass to `fromSystemError` (so syncs map to FSYNC_FAILED). */
const SYSCALL_OF: Partial<Record<FaultOp, string>> = { sync: "fsync", datasync: "fdatasync" };

/**
 * The error a faulted call rejects with: an {@link InjectedFault} mapped exactly as a backend maps
 * a system error (EIO → STORAGE_FAILURE, ENOSPC → NO_SPACE, EACCES → PERMISSION_DENIED, EROFS →
 * READ_ONLY, EMFILE → STORAGE_FAILURE; any fault of `sync`, `datasync` or `syncDir` → FSYNC_FAILED),
 * with `syscode` = the errno and the InjectedFault as `cause`.
 */
export function injectedError(code: FaultErrorCode, op: FaultOp, path: string): LivingReportsError {
  return fromSystemError(new InjectedFault(code, op, path), path, SYSCALL_OF[op] ?? op);
}
