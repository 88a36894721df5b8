import type { ErrorCode } from "./errorCodes.js";

/** What a {@link LivingReportsError} may carry besides its code and message. */
export interface LivingReportsErrorOptions {
  /** The error this one wraps (a backend's system error, a zod error, ...). */
  cause?: unknown;
  /** The root-relative path involved, when there is one. */
  path?: string;
  /** The report id involved, when there is one. */
  id?: string;
  /** The original system error code (`ENOENT`, `EIO`, ...) when mapped from one. */
  syscall?: string;
  /** The line number (1-based) in a log, for CORRUPT_LOG. */
  line?: number;
  /** Extra structured facts (candidates of an ambiguous title, the current version, ...). */
  details?: Record<string, unknown>;
}

/**
 * The one error class of living-reports. Every failure the library reports is one of these,
 * with a stable {@link ErrorCode}; the original error, if any, is kept as `cause`.
 */
export class LivingReportsError extends Error {
  /** The stable code to branch on. */
  readonly code: ErrorCode;
  /** The root-relative path involved, if any. */
  readonly path: string | undefined;
  /** The report id involved, if any. */
  readonly id: string | undefined;
  /** The system error code this was mapped from (`ENOENT`, `EIO`, ...), if any. */
  readonly syscode: string | undefined;
  /** 1-based line of a log, for CORRUPT_LOG. */
  readonly line: number | undefined;
  /** Extra structured facts. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: LivingReportsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LivingReportsError";
    this.code = code;
    this.path = options.path;
    this.id = options.id;
    this.syscode = options.syscall;
    this.line = options.line;
    this.details = options.details;
  }

  /** A plain object for JSON output: `{ code, message, id?, path?, line? }`. */
  toJSON(): { code: ErrorCode; message: string; id?: string; path?: string; line?: number } {
    const out: { code: ErrorCode; message: string; id?: string; path?: string; line?: number } = {
      code: this.code,
      message: this.message,
    };
    if (this.id !== undefined) out.id = this.id;
    if (this.path !== undefined) out.path = this.path;
    if (this.line !== undefined) out.line = this.line;
    return out;
  }
}

/** True when `err` is a {@link LivingReportsError}, optionally with the given code. */
export function isLivingReportsError(err: unknown, code?: ErrorCode): err is LivingReportsError {
  return err instanceof LivingReportsError && (code === undefined || err.code === code);
}
