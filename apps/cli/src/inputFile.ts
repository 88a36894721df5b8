import * as fs from "node:fs";
import { resolve } from "node:path";
import { ErrorCode, fromSystemError, LivingReportsError } from "@living-reports/core";
import type { CliIo } from "./io.js";

const O_NONBLOCK: number = fs.constants.O_NONBLOCK ?? 0;

function notAFile(path: string, what: string): LivingReportsError {
  return new LivingReportsError(
    ErrorCode.INVALID_INPUT,
    `${path} ${what}: give a regular file (or - for stdin)`,
    {
      path,
    },
  );
}

/**
 * Reads a file the operator named on the command line (`--file`, `--sections-file`), relative to
 * the working directory; `-` reads standard input (which may be a pipe: that wait is asked for).
 * A named file must be a regular file: it is opened without blocking (`O_NONBLOCK`, so a FIFO
 * cannot hang the command before it is looked at), checked with fstat, and a directory, FIFO,
 * socket or device is refused as bad input (exit 2) rather than read or waited on.
 *
 * @throws LivingReportsError INVALID_INPUT for a file that is not a regular file; NOT_FOUND,
 *   PERMISSION_DENIED, ... mapped from the system error, naming the file
 */
export async function readInputFile(io: CliIo, path: string): Promise<{ bytes: Uint8Array; path: string }> {
  if (path === "-") {
    try {
      return { bytes: await fs.promises.readFile("/dev/stdin"), path: "-" };
    } catch (err) {
      throw fromSystemError(err, "-", "read");
    }
  }
  const absolute = resolve(io.cwd, path);
  let fd: number;
  try {
    fd = fs.openSync(absolute, fs.constants.O_RDONLY | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR") throw notAFile(absolute, "is a directory");
    throw fromSystemError(err, absolute, "open");
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw notAFile(absolute, "is a directory");
    if (!st.isFile()) throw notAFile(absolute, "is not a regular file (a FIFO, socket or device)");
    return { bytes: fs.readFileSync(fd), path: absolute };
  } catch (err) {
    if (err instanceof LivingReportsError) throw err;
    if ((err as NodeJS.ErrnoException).code === "EISDIR") throw notAFile(absolute, "is a directory");
    throw fromSystemError(err, absolute, "read");
  } finally {
    fs.closeSync(fd);
  }
}
