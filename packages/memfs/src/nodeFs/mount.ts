import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeError } from "./nodeErrors.js";

/** A path argument as node:fs takes it. */
export type PathLike = string | Buffer | URL;

/** A resolved path: as the caller gave it (for errors), absolute, and as the disk sees it. */
export interface DiskPath {
  /** The path as the caller's code wrote it, which node:fs errors name. */
  readonly shown: string;
  readonly abs: string;
  readonly rel: string;
}

/**
 * Maps absolute paths into the disk: the disk's root is mounted at `mount` (an absolute POSIX
 * path), relative paths are resolved against `cwd()`. A path outside the mount is refused with
 * ENOENT naming the mount, never silently redirected.
 */
export class Mount {
  readonly point: string;
  readonly #cwd: () => string;

  constructor(point: string, cwd: () => string) {
    if (!posix.isAbsolute(point))
      throw new TypeError(`mount point must be an absolute POSIX path, got ${point}`);
    this.point = posix.resolve(point);
    this.#cwd = cwd;
  }

  /** The absolute path of a node:fs path argument (string, Buffer or file: URL). */
  absolute(path: PathLike): string {
    return posix.resolve(this.#cwd(), shownPath(path));
  }

  /** The disk path of `path`, for `syscall` (the error names the path as given). */
  resolve(path: PathLike, syscall: string): DiskPath {
    const shown = shownPath(path);
    const abs = posix.resolve(this.#cwd(), shown);
    const rel = this.relative(abs);
    if (rel === undefined) {
      const err = nodeError("ENOENT", { syscall, path: shown });
      err.message += ` (outside the simulated disk mounted at '${this.point}')`;
      throw err;
    }
    return { shown, abs, rel };
  }

  /** The root-relative path of an absolute one, or undefined outside the mount. */
  relative(abs: string): string | undefined {
    if (abs === this.point) return "";
    const prefix = this.point === "/" ? "/" : `${this.point}/`;
    return abs.startsWith(prefix) ? abs.slice(prefix.length) : undefined;
  }
}

/** A node:fs path argument as a string; a TypeError as Node's for anything unusable. */
function shownPath(path: PathLike): string {
  const text =
    typeof path === "string"
      ? path
      : Buffer.isBuffer(path)
        ? path.toString()
        : path instanceof URL
          ? fileURLToPath(path)
          : undefined;
  if (text === undefined || text.length === 0 || text.includes("\0")) {
    throw Object.assign(
      new TypeError(
        `The "path" argument must be a non-empty string, Buffer or file: URL without null bytes. Received ${String(path)}`,
      ),
      { code: "ERR_INVALID_ARG_TYPE" },
    );
  }
  return text;
}
