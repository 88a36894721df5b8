import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fromSystemError } from "@living-reports/core";
import type { CliIo } from "./io.js";

/**
 * Reads a file the operator named on the command line (`--file`, `--sections-file`), relative to
 * the working directory; `-` reads standard input.
 *
 * @throws LivingReportsError NOT_FOUND, PERMISSION_DENIED, ... mapped from the system error, naming the file
 */
export async function readInputFile(io: CliIo, path: string): Promise<{ bytes: Uint8Array; path: string }> {
  const absolute = path === "-" ? "/dev/stdin" : resolve(io.cwd, path);
  try {
    return { bytes: await readFile(absolute), path: absolute };
  } catch (err) {
    throw fromSystemError(err, absolute, "read");
  }
}
