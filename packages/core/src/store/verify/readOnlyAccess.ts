import { normalizePath } from "../../backend/paths.js";
import type { FileStat, StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, type LivingReportsError } from "../../errors/livingReportsError.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList, ProblemSite } from "./problemList.js";

/**
 * The only ways verify touches the disk: `stat`, `readdir` and `readFile`. Nothing here opens a
 * file for writing, creates, locks or renames anything, so a verify leaves the tree byte-identical.
 *
 * A missing path is an answer (`null`), not an error. Any other storage failure (EIO, EACCES, ...)
 * is recorded as FILE_UNREADABLE with its error code and also answers `null`, so one bad file
 * never hides the rest of the report. A symlink the backend refuses to follow on a well-formed
 * path is recorded as SYMLINK and answers `null` too. Failures that mean the call itself is wrong
 * (a closed backend, a malformed path) are rethrown.
 */
export class ReadOnlyAccess {
  constructor(
    readonly backend: StorageBackend,
    private readonly problems: ProblemList,
  ) {}

  /** lstat of `path`, or `null` when it does not exist or cannot be stat'ed. */
  async stat(path: string, site: ProblemSite = {}): Promise<FileStat | null> {
    try {
      return await this.backend.stat(path);
    } catch (err) {
      return this.#absorb(err, path, site, "stat");
    }
  }

  /** The names in directory `path`, or `null` when it does not exist or cannot be listed. */
  async readdir(path: string, site: ProblemSite = {}): Promise<string[] | null> {
    try {
      return await this.backend.readdir(path);
    } catch (err) {
      return this.#absorb(err, path, site, "list");
    }
  }

  /** The bytes of file `path`, or `null` when it does not exist or cannot be read. */
  async readFile(path: string, site: ProblemSite = {}): Promise<Uint8Array | null> {
    try {
      return await this.backend.readFile(path);
    } catch (err) {
      return this.#absorb(err, path, site, "read");
    }
  }

  #absorb(err: unknown, path: string, site: ProblemSite, what: string): null {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return null;
    if (isLivingReportsError(err, ErrorCode.INVALID_PATH) && isWellFormed(path)) {
      // The path is well formed, so the backend refused a symlink it met on the disk (G8): a
      // finding about the store, not a wrong call.
      this.problems.add(VerifyCode.SYMLINK, `cannot ${what} ${path}: ${err.message}`, {
        ...site,
        file: path,
      });
      return null;
    }
    if (!isLivingReportsError(err) || isCallerError(err)) throw err;
    this.problems.add(VerifyCode.FILE_UNREADABLE, `cannot ${what} ${path}: ${err.code}: ${err.message}`, {
      ...site,
      file: path,
    });
    return null;
  }
}

function isWellFormed(path: string): boolean {
  try {
    return normalizePath(path) === path;
  } catch {
    // Not a valid path at all: the caller's mistake.
    return false;
  }
}

function isCallerError(err: LivingReportsError): boolean {
  return err.code === ErrorCode.CLOSED || err.code === ErrorCode.INVALID_PATH;
}
