import { ErrorCode, LivingReportsError } from "@living-reports/core";

/** SQLSTATEs the schema's functions raise (schemaSql.ts), and what they mean. */
const PRIVATE_STATES: Readonly<Record<string, [ErrorCode, string]>> = {
  LRNOT: [ErrorCode.NOT_FOUND, "ENOENT"],
  LREXI: [ErrorCode.ALREADY_EXISTS, "EEXIST"],
  LRKND: [ErrorCode.WRONG_KIND, "ENOTDIR"],
  LRNEM: [ErrorCode.STORAGE_FAILURE, "ENOTEMPTY"],
  LRPRM: [ErrorCode.PERMISSION_DENIED, "EPERM"],
};

/**
 * The error a schema function would have raised with private SQLSTATE `state` (`LRNOT`, ...), for
 * the functions that return it in a column instead (a stat of an absent name is an answer).
 */
export function fromPrivateState(state: string, call: FailedCall): LivingReportsError {
  const message = state === "LRKND" ? "not a directory" : "no such file or directory";
  return fromPgError(Object.assign(new Error(message), { code: state }), call);
}

/** Socket errors of a connection that could not be made: nothing was sent. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P03",
]);
/** Socket errors of a connection lost while in use. */
const LOST = new Set(["ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT"]);

/** What a failed statement was, for the mapping and the message. */
export interface FailedCall {
  /** The primitive (`open`, `rename`, `fsync`, ...). */
  readonly op: string;
  /** The root-relative path the call was about. */
  readonly path: string;
}

/** The SQLSTATE (`40001`) or socket errno (`ECONNRESET`) of a thrown error, if any. */
export function stateOf(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when the statement certainly did not take effect and running it again is safe: a
 * serialization failure or a deadlock (PostgreSQL rolled the whole transaction back).
 */
export function isRetryable(err: unknown): boolean {
  const state = stateOf(err);
  return state === "40001" || state === "40P01";
}

/**
 * True when the connection failed or was lost: whether the statement committed is unknown.
 * `pg` reports a connection closed under it without a code, by message.
 */
export function isConnectionLoss(err: unknown): boolean {
  const state = stateOf(err);
  if (state !== undefined) {
    if (UNREACHABLE.has(state)) return false;
    return LOST.has(state) || state.startsWith("08") || state.startsWith("57P");
  }
  const message = err instanceof Error ? err.message : "";
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/**
 * Maps what the `pg` client threw into a {@link LivingReportsError} with the original as cause
 * and the SQLSTATE or socket errno as `syscode`:
 *
 * - the schema's own states: NOT_FOUND, ALREADY_EXISTS, WRONG_KIND, STORAGE_FAILURE (not empty),
 *   PERMISSION_DENIED
 * - disk full (53100) → NO_SPACE; insufficient privilege (42501) → PERMISSION_DENIED; a read-only
 *   server, e.g. a standby (25006) → READ_ONLY
 * - for `fsync` (a sync or datasync), any failure → FSYNC_FAILED: a lost connection leaves the
 *   commit in doubt, and it is never reported or retried as a success
 * - anything else (connection refused or lost, statement timeout 57014, serialization failures
 *   after the retries, out of memory) → STORAGE_FAILURE
 */
export function fromPgError(err: unknown, call: FailedCall): LivingReportsError {
  if (err instanceof LivingReportsError) return err;
  const state = stateOf(err);
  const reason = err instanceof Error ? err.message : String(err);
  const priv = state === undefined ? undefined : PRIVATE_STATES[state];
  let code: ErrorCode = ErrorCode.STORAGE_FAILURE;
  let syscall = state;
  if (priv !== undefined) [code, syscall] = priv;
  else if (state === "53100") code = ErrorCode.NO_SPACE;
  else if (state === "42501") code = ErrorCode.PERMISSION_DENIED;
  else if (state === "25006") code = ErrorCode.READ_ONLY;
  if (call.op === "fsync") code = ErrorCode.FSYNC_FAILED;
  const inDoubt = isConnectionLoss(err)
    ? " (connection lost: the outcome is in doubt)"
    : state !== undefined && UNREACHABLE.has(state)
      ? " (the server is unreachable: nothing was done)"
      : "";
  const options: { cause: unknown; path: string; syscall?: string } = { cause: err, path: call.path };
  if (syscall !== undefined) options.syscall = syscall;
  const where = call.path === "" ? call.op : `${call.op} ${call.path}`;
  return new LivingReportsError(code, `${where}: ${syscall ?? "error"}: ${reason}${inDoubt}`, options);
}
