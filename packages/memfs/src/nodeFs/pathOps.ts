import { posix } from "node:path";
import type { FsContext } from "./context.js";
import { encodingOf, optionOf } from "./data.js";
import { link, mkdir, type Op, readdir, rename, rmdir, stat, unlink, utimes } from "./engine.js";
import type { PathLike } from "./mount.js";
import { hasCode, nodeError } from "./nodeErrors.js";
import { FacadeDirent, FacadeStats } from "./stats.js";

/** `fs.constants.X_OK`. */
const X_OK = 1;

export function* renameOp(ctx: FsContext, from: PathLike, to: PathLike): Op<void> {
  const a = ctx.mount.resolve(from, "rename");
  const b = ctx.mount.resolve(to, "rename");
  yield* rename(a.rel, b.rel, { syscall: "rename", path: a.shown, dest: b.shown });
}

export function* linkOp(ctx: FsContext, existing: PathLike, to: PathLike): Op<void> {
  const a = ctx.mount.resolve(existing, "link");
  const b = ctx.mount.resolve(to, "link");
  yield* link(a.rel, b.rel, { syscall: "link", path: a.shown, dest: b.shown });
}

export function* unlinkOp(ctx: FsContext, path: PathLike): Op<void> {
  const { shown, rel } = ctx.mount.resolve(path, "unlink");
  yield* unlink(rel, { syscall: "unlink", path: shown });
}

/** `mkdir`; with `recursive`, the missing parents too, returning the first directory made. */
export function* mkdirOp(ctx: FsContext, path: PathLike, options?: unknown): Op<string | undefined> {
  const { shown, rel } = ctx.mount.resolve(path, "mkdir");
  const site = { syscall: "mkdir", path: shown };
  const recursive = options === true || optionOf<boolean>(options, "recursive") === true;
  if (!recursive) {
    yield* mkdir(rel, site);
    return undefined;
  }
  const made: string[] = [];
  // Walk up to the first existing ancestor, then make the rest downwards.
  let missing = rel;
  for (;;) {
    try {
      yield* mkdir(missing, site);
      made.push(missing);
      break;
    } catch (err) {
      if (hasCode(err, "EEXIST")) {
        if ((yield* stat(missing, site)).kind !== "directory") throw err;
        break;
      }
      if (!hasCode(err, "ENOENT") || missing === "") throw err;
      missing = missing.includes("/") ? posix.dirname(missing) : "";
    }
  }
  let current = missing;
  const rest = current === rel ? [] : rel.slice(current === "" ? 0 : current.length + 1).split("/");
  for (const part of rest) {
    current = current === "" ? part : `${current}/${part}`;
    yield* mkdir(current, site);
    made.push(current);
  }
  if (made[0] === undefined) return undefined;
  // node:fs names the first directory made in the form the path was given: absolute or relative.
  const first = posix.join(ctx.mount.point, made[0]);
  return posix.isAbsolute(shown) ? first : posix.relative(ctx.mount.absolute("."), first);
}

/** Removes a tree: files unlinked, directories emptied then removed (no sync). */
function* removeTree(rel: string, site: { syscall: string; path: string }): Op<void> {
  const st = yield* stat(rel, { ...site, syscall: "lstat" });
  if (st.kind !== "directory") return yield* unlink(rel, site);
  for (const name of yield* readdir(rel, site)) yield* removeTree(rel === "" ? name : `${rel}/${name}`, site);
  yield* rmdir(rel, site);
}

/** `rmdir`; `recursive` (deprecated in Node) removes the tree. */
export function* rmdirOp(ctx: FsContext, path: PathLike, options?: unknown): Op<void> {
  const { shown, rel } = ctx.mount.resolve(path, "rmdir");
  const site = { syscall: "rmdir", path: shown };
  if (optionOf<boolean>(options, "recursive") === true) return yield* removeTree(rel, site);
  yield* rmdir(rel, site);
}

/** `rm`: a file, or with `recursive` a tree; `force` ignores a missing path. */
export function* rmOp(ctx: FsContext, path: PathLike, options?: unknown): Op<void> {
  const { shown, rel } = ctx.mount.resolve(path, "rm");
  let kind: string;
  try {
    kind = (yield* stat(rel, { syscall: "lstat", path: shown })).kind;
  } catch (err) {
    if (hasCode(err, "ENOENT") && optionOf<boolean>(options, "force") === true) return;
    throw err;
  }
  if (kind === "directory") {
    if (optionOf<boolean>(options, "recursive") !== true) {
      const err = nodeError("EISDIR", { syscall: "rm", path: shown });
      err.message = `Path is a directory: rm returned EISDIR (is a directory) ${shown}`;
      err.code = "ERR_FS_EISDIR";
      err.errno = 21;
      throw err;
    }
    return yield* removeTree(rel, { syscall: "rm", path: shown });
  }
  yield* unlink(rel, { syscall: "rm", path: shown });
}

/** `readdir`: names (sorted), Buffers for encoding `buffer`, Dirents for `withFileTypes`. */
export function* readdirOp(
  ctx: FsContext,
  path: PathLike,
  options?: unknown,
): Op<string[] | Buffer[] | FacadeDirent[]> {
  const { shown, abs, rel } = ctx.mount.resolve(path, "scandir");
  const site = { syscall: "scandir", path: shown };
  const recursive = optionOf<boolean>(options, "recursive") === true;
  const entries: { name: string; parent: string; kind: string }[] = [];
  const walk = function* (dirRel: string, dirAbs: string, prefix: string): Op<void> {
    for (const name of yield* readdir(dirRel, site)) {
      const childRel = dirRel === "" ? name : `${dirRel}/${name}`;
      const needKind = recursive || optionOf<boolean>(options, "withFileTypes") === true;
      const kind = needKind ? (yield* stat(childRel, site)).kind : "file";
      entries.push({ name: prefix + name, parent: dirAbs, kind });
      if (recursive && kind === "directory")
        yield* walk(childRel, posix.join(dirAbs, name), `${prefix}${name}/`);
    }
  };
  yield* walk(rel, abs, "");
  if (optionOf<boolean>(options, "withFileTypes") === true) {
    return entries.map(
      (e) =>
        new FacadeDirent(
          posix.basename(e.name),
          e.parent,
          e.kind as "file" | "directory" | "symlink" | "other",
        ),
    );
  }
  const raw = typeof options === "string" ? options : optionOf<string>(options, "encoding");
  if (raw === "buffer") return entries.map((e) => Buffer.from(e.name));
  const encoding = encodingOf(options);
  return entries.map((e) =>
    encoding === undefined || encoding === "utf8" ? e.name : Buffer.from(e.name).toString(encoding),
  );
}

/** `stat` / `lstat` (the same: the backend never follows symlinks); `throwIfNoEntry: false`. */
export function* statOp(
  ctx: FsContext,
  path: PathLike,
  options: unknown,
  syscall: "stat" | "lstat",
): Op<FacadeStats | undefined> {
  const { shown, rel } = ctx.mount.resolve(path, syscall);
  try {
    return new FacadeStats(yield* stat(rel, { syscall, path: shown }));
  } catch (err) {
    if (hasCode(err, "ENOENT") && optionOf<boolean>(options, "throwIfNoEntry") === false) return undefined;
    throw err;
  }
}

/** `exists`: true when a stat succeeds. */
export function* existsOp(ctx: FsContext, path: PathLike): Op<boolean> {
  try {
    const { shown, rel } = ctx.mount.resolve(path, "stat");
    yield* stat(rel, { syscall: "stat", path: shown });
    return true;
  } catch {
    return false;
  }
}

/**
 * `access`: the path must exist, and `X_OK` fails EACCES on a file: checked against the modes
 * `stat` reports (644 for a file, 755 for a directory, the owner's), as Linux checks them even
 * for root. `chmod` and `chown` change nothing (the disk keeps no permissions), so they only
 * check existence.
 */
export function* accessOp(ctx: FsContext, path: PathLike, mode = 0, syscall = "access"): Op<void> {
  const { shown, rel } = ctx.mount.resolve(path, syscall);
  const site = { syscall, path: shown };
  const { kind } = yield* stat(rel, site);
  if ((mode & X_OK) !== 0 && kind !== "directory") throw nodeError("EACCES", site);
}

/**
 * `realpath`: the absolute, normalised path of an existing entry (no symlinks to resolve). Like
 * node:fs's JS realpath it lstats each component from the top, so an error names the first one
 * missing; `native` is realpath(3), as `fs.promises.realpath` and `realpath.native` call it.
 */
export function* realpathOp(ctx: FsContext, path: PathLike, native = false): Op<string> {
  const { abs, rel } = ctx.mount.resolve(path, native ? "realpath" : "lstat");
  if (native) {
    // realpath(3), as fs.promises.realpath and realpath.native call it: one call, the whole path.
    yield* stat(rel, { syscall: "realpath", path: abs });
    return abs;
  }
  let prefix = "";
  for (const part of rel === "" ? [] : rel.split("/")) {
    prefix = prefix === "" ? part : `${prefix}/${part}`;
    // Through a file, the next lstat fails ENOTDIR naming that prefix, as node:fs's does.
    yield* stat(prefix, { syscall: "lstat", path: posix.join(ctx.mount.point, prefix) });
  }
  return abs;
}

/** `utimes`: the modification time (the model keeps no access time). */
export function* utimesOp(ctx: FsContext, path: PathLike, mtime: number | string | Date): Op<void> {
  const { shown, rel } = ctx.mount.resolve(path, "utime");
  const ms = mtime instanceof Date ? mtime.getTime() : Number(mtime) * 1000;
  yield* utimes(rel, ms, { syscall: "utime", path: shown });
}

const TEMP_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** `mkdtemp`: `prefix` plus six random characters, made as a directory. */
export function* mkdtempOp(ctx: FsContext, prefix: string): Op<string> {
  for (;;) {
    let suffix = "";
    for (let i = 0; i < 6; i++) suffix += TEMP_CHARS[Math.floor(Math.random() * TEMP_CHARS.length)];
    const { shown, abs, rel } = ctx.mount.resolve(`${prefix}${suffix}`, "mkdtemp");
    try {
      yield* mkdir(rel, { syscall: "mkdtemp", path: shown });
      return abs;
    } catch (err) {
      if (!hasCode(err, "EEXIST")) throw err;
    }
  }
}
