import { ErrorCode, fromSystemError, LivingReportsError } from "@living-reports/core";

/** A usage error (exit 2): a bad option, a missing argument, an unknown command. */
export function usageError(message: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, message);
}

/** True for the TypeErrors `node:util` parseArgs throws on bad command lines. */
function isParseArgsError(err: unknown): err is Error & { code: string } {
  return (
    err instanceof Error &&
    "code" in err &&
    typeof err.code === "string" &&
    err.code.startsWith("ERR_PARSE_ARGS_")
  );
}

/**
 * Turns anything a command threw into a {@link LivingReportsError}: library errors unchanged,
 * parseArgs errors into INVALID_INPUT, anything else through `fromSystemError` (keeping the cause)
 * so that even an unexpected failure is reported with a stable code.
 *
 * @param where - what the run was working on (the root), for the message of unexpected errors
 */
export function toLivingReportsError(err: unknown, where: string): LivingReportsError {
  if (err instanceof LivingReportsError) return err;
  if (isParseArgsError(err))
    return new LivingReportsError(ErrorCode.INVALID_INPUT, err.message, { cause: err });
  return fromSystemError(err, where, "living-reports");
}
