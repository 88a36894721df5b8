import { ErrorCode } from "./errorCodes.js";
import { LivingReportsError } from "./livingReportsError.js";

const SYSTEM_CODES: Readonly<Record<string, ErrorCode>> = {
  ENOENT: ErrorCode.NOT_FOUND,
  EEXIST: ErrorCode.ALREADY_EXISTS,
  ENOTDIR: ErrorCode.WRONG_KIND,
  EISDIR: ErrorCode.WRONG_KIND,
  EACCES: ErrorCode.PERMISSION_DENIED,
  EPERM: ErrorCode.PERMISSION_DENIED,
  EROFS: ErrorCode.READ_ONLY,
  ENOSPC: ErrorCode.NO_SPACE,
  EDQUOT: ErrorCode.NO_SPACE,
  ELOOP: ErrorCode.INVALID_PATH,
  ENAMETOOLONG: ErrorCode.INVALID_PATH,
};

/**
 * Maps an error thrown by a filesystem (node:fs, memfs, an injected fault) into a
 * {@link LivingReportsError}, keeping the original as `cause` and its errno code as `syscode`.
 * An error that already is a LivingReportsError is returned unchanged.
 *
 * @param err - what was thrown
 * @param path - the root-relative path the call was about
 * @param op - the operation, for the message (`open`, `fsync`, ...); `fsync`/`fdatasync` failures
 *   map to FSYNC_FAILED whatever their errno, because a failed fsync must never be retried as success
 */
export function fromSystemError(err: unknown, path: string, op: string): LivingReportsError {
  if (err instanceof LivingReportsError) return err;
  const syscode =
    typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "string"
      ? (err as { code: string }).code
      : undefined;
  const isSync = op === "fsync" || op === "fdatasync" || op === "syncDir";
  const code: ErrorCode = isSync
    ? ErrorCode.FSYNC_FAILED
    : syscode !== undefined
      ? (SYSTEM_CODES[syscode] ?? ErrorCode.STORAGE_FAILURE)
      : ErrorCode.STORAGE_FAILURE;
  const message =
    typeof err === "object" && err !== null ? (err as { message?: unknown }).message : undefined;
  const reason = typeof message === "string" ? message : String(err);
  const options: { cause: unknown; path: string; syscall?: string } = { cause: err, path };
  if (syscode !== undefined) options.syscall = syscode;
  return new LivingReportsError(code, `${op} ${path}: ${syscode ?? "error"}: ${reason}`, options);
}
