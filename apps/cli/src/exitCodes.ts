import { ErrorCode } from "@living-reports/core";

/** The process exit codes of `living-reports` (docs/CLI.md). Scripts branch on these. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** `verify` found problems (listed on stdout). */
  PROBLEMS: 1,
  /** Usage error or bad input: unknown option, bad id, invalid outline, an action without a backup. */
  USAGE: 2,
  /** A report, action or trash entry does not exist, or the root holds no store. */
  NOT_FOUND: 3,
  /** A stale `--expected-version` (or outline version): nothing was written. */
  VERSION_CONFLICT: 4,
  /** A report's lock could not be had in time, or was lost while held. */
  LOCK: 5,
  /** The disk failed or the store is corrupt. */
  STORAGE: 6,
} as const;

/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one table from error code to exit code. Typed as a total record so that a new error code
 * fails the build until it is placed here.
 */
const EXIT_CODE_OF: Readonly<Record<ErrorCode, ExitCode>> = {
  [ErrorCode.NOT_FOUND]: ExitCode.NOT_FOUND,
  [ErrorCode.VERSION_CONFLICT]: ExitCode.VERSION_CONFLICT,
  [ErrorCode.LOCK_TIMEOUT]: ExitCode.LOCK,
  [ErrorCode.LOCK_COMPROMISED]: ExitCode.LOCK,
  [ErrorCode.INVALID_ID]: ExitCode.USAGE,
  [ErrorCode.INVALID_PATH]: ExitCode.USAGE,
  [ErrorCode.INVALID_INPUT]: ExitCode.USAGE,
  [ErrorCode.INVALID_OUTLINE]: ExitCode.USAGE,
  [ErrorCode.AMBIGUOUS]: ExitCode.USAGE,
  [ErrorCode.TOO_LARGE]: ExitCode.USAGE,
  [ErrorCode.TOO_DEEP]: ExitCode.USAGE,
  [ErrorCode.ALREADY_EXISTS]: ExitCode.USAGE,
  [ErrorCode.CORRUPT_LOG]: ExitCode.STORAGE,
  [ErrorCode.CORRUPT_FILE]: ExitCode.STORAGE,
  [ErrorCode.UNSUPPORTED_FORMAT]: ExitCode.STORAGE,
  [ErrorCode.NO_SPACE]: ExitCode.STORAGE,
  [ErrorCode.PERMISSION_DENIED]: ExitCode.STORAGE,
  [ErrorCode.READ_ONLY]: ExitCode.STORAGE,
  [ErrorCode.WRONG_KIND]: ExitCode.STORAGE,
  [ErrorCode.FSYNC_FAILED]: ExitCode.STORAGE,
  [ErrorCode.STORAGE_FAILURE]: ExitCode.STORAGE,
  [ErrorCode.CLOSED]: ExitCode.STORAGE,
};

/** The exit code for a failure with error code `code`. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  return EXIT_CODE_OF[code];
}
