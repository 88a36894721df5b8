/**
 * The stable error codes of living-reports. Programs branch on these, never on messages;
 * a code is never renamed or reused once published.
 */
export const ErrorCode = {
  /** A report, file, action or trash entry that does not exist (also ENOENT from a backend). */
  NOT_FOUND: "NOT_FOUND",
  /** Something that must be new already exists (EEXIST). */
  ALREADY_EXISTS: "ALREADY_EXISTS",
  /** A report id that is not a canonical lowercase UUID (G8): refused before any file is touched. */
  INVALID_ID: "INVALID_ID",
  /** A path that escapes the root, holds `..`, NUL, or is otherwise unusable (G8). */
  INVALID_PATH: "INVALID_PATH",
  /** Caller input that is malformed (bad option, bad argument shape). */
  INVALID_INPUT: "INVALID_INPUT",
  /** An outline that is not JSON or fails the strict schema, on input or on disk. */
  INVALID_OUTLINE: "INVALID_OUTLINE",
  /** A title or partial id that matches several reports. */
  AMBIGUOUS: "AMBIGUOUS",
  /** A stale `expected_version` (G6): nothing was written. */
  VERSION_CONFLICT: "VERSION_CONFLICT",
  /** A lock that could not be had within its timeout. */
  LOCK_TIMEOUT: "LOCK_TIMEOUT",
  /** A held lock that was lost (stalled past its stale time, or taken over): the operation aborted. */
  LOCK_COMPROMISED: "LOCK_COMPROMISED",
  /** An audit log or index line damaged in the middle (not a torn tail), or a broken hash chain. */
  CORRUPT_LOG: "CORRUPT_LOG",
  /** A file whose content cannot be what the library wrote (bad UTF-8, wrong kind of file). */
  CORRUPT_FILE: "CORRUPT_FILE",
  /** An outline over the size limit (default 16 MiB), on input or on read. */
  TOO_LARGE: "TOO_LARGE",
  /** An outline nested deeper than the limit (default 64 levels), on input or on read. */
  TOO_DEEP: "TOO_DEEP",
  /** A store whose FORMAT marker is newer than this library understands. */
  UNSUPPORTED_FORMAT: "UNSUPPORTED_FORMAT",
  /** The disk is full (ENOSPC, EDQUOT). */
  NO_SPACE: "NO_SPACE",
  /** The disk refused access (EACCES, EPERM). */
  PERMISSION_DENIED: "PERMISSION_DENIED",
  /** The filesystem is read-only (EROFS). */
  READ_ONLY: "READ_ONLY",
  /** A path component is a file where a directory should be (ENOTDIR), or the reverse (EISDIR). */
  WRONG_KIND: "WRONG_KIND",
  /** An fsync or fdatasync failed: the operation failed and is never retried as if it had succeeded. */
  FSYNC_FAILED: "FSYNC_FAILED",
  /** Any other I/O failure (EIO, EMFILE, ENOTEMPTY, ...): the original error is the cause. */
  STORAGE_FAILURE: "STORAGE_FAILURE",
  /** The store or backend was closed. */
  CLOSED: "CLOSED",
} as const;

/** One of the stable error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every code, for exhaustive checks and documentation. */
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);
