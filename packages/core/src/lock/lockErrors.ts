import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../errors/livingReportsError.js";

/** LOCK_TIMEOUT for `path` after `timeoutMs`. */
export function lockTimeout(path: string, timeoutMs: number): LivingReportsError {
  return new LivingReportsError(ErrorCode.LOCK_TIMEOUT, `lock ${path}: not acquired within ${timeoutMs} ms`, {
    path,
    details: { timeoutMs },
  });
}

/** LOCK_COMPROMISED for `path`, keeping what revealed it as the cause. */
export function lockCompromised(path: string, why: string, cause?: unknown): LivingReportsError {
  const options: { path: string; cause?: unknown } = { path };
  if (cause !== undefined) options.cause = cause;
  return new LivingReportsError(ErrorCode.LOCK_COMPROMISED, `lock ${path} compromised: ${why}`, options);
}

/** CLOSED: the lock manager was closed. */
export function managerClosed(path: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.CLOSED, `lock ${path}: the lock manager is closed`, { path });
}

/** True when a backend call failed only because the path was already gone. */
export function isNotFound(err: unknown): boolean {
  return isLivingReportsError(err, ErrorCode.NOT_FOUND);
}

/** True when a backend call failed only because the path already existed. */
export function isAlreadyExists(err: unknown): boolean {
  return isLivingReportsError(err, ErrorCode.ALREADY_EXISTS);
}
