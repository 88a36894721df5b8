import { ERROR_CODES, ErrorCode, LivingReportsError } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { toLivingReportsError } from "../src/cliError.js";
import { ExitCode, exitCodeFor } from "../src/exitCodes.js";
import { formatError, jsonError } from "../src/output/errorOutput.js";

describe("exit codes (docs/CLI.md)", () => {
  it.each([
    [ErrorCode.NOT_FOUND, 3],
    [ErrorCode.VERSION_CONFLICT, 4],
    [ErrorCode.LOCK_TIMEOUT, 5],
    [ErrorCode.LOCK_COMPROMISED, 5],
    [ErrorCode.INVALID_ID, 2],
    [ErrorCode.INVALID_INPUT, 2],
    [ErrorCode.INVALID_OUTLINE, 2],
    [ErrorCode.AMBIGUOUS, 2],
    [ErrorCode.TOO_LARGE, 2],
    [ErrorCode.TOO_DEEP, 2],
    [ErrorCode.CORRUPT_LOG, 6],
    [ErrorCode.CORRUPT_FILE, 6],
    [ErrorCode.NO_SPACE, 6],
    [ErrorCode.FSYNC_FAILED, 6],
    [ErrorCode.STORAGE_FAILURE, 6],
  ] as const)("%s exits %i", (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
  });

  it("maps every error code to a failure exit code other than 'verify found problems'", () => {
    for (const code of ERROR_CODES) {
      expect([
        ExitCode.USAGE,
        ExitCode.NOT_FOUND,
        ExitCode.VERSION_CONFLICT,
        ExitCode.LOCK,
        ExitCode.STORAGE,
      ]).toContain(exitCodeFor(code));
    }
  });
});

describe("error output", () => {
  const err = new LivingReportsError(ErrorCode.NOT_FOUND, "no report\nhere", {
    id: "abc",
    path: "by_id/abc",
  });

  it("is one line `error CODE: message` in text mode", () => {
    expect(formatError(err, false)).toBe("error NOT_FOUND: no report here\n");
  });

  it("is {error: {code, message, id?, path?}} with --json", () => {
    expect(JSON.parse(formatError(err, true))).toEqual({
      error: { code: "NOT_FOUND", message: "no report\nhere", id: "abc", path: "by_id/abc" },
    });
    expect(jsonError(new LivingReportsError(ErrorCode.INVALID_INPUT, "bad"))).toEqual({
      error: { code: "INVALID_INPUT", message: "bad" },
    });
  });

  it("turns parseArgs errors into INVALID_INPUT and unexpected errors into a coded error keeping the cause", () => {
    const parse = Object.assign(new TypeError("Unknown option '--x'"), {
      code: "ERR_PARSE_ARGS_UNKNOWN_OPTION",
    });
    expect(toLivingReportsError(parse, "/r").code).toBe(ErrorCode.INVALID_INPUT);
    const io = Object.assign(new Error("disk gone"), { code: "EIO" });
    const mapped = toLivingReportsError(io, "/r");
    expect(mapped.code).toBe(ErrorCode.STORAGE_FAILURE);
    expect(mapped.cause).toBe(io);
    expect(toLivingReportsError(err, "/r")).toBe(err);
  });
});
