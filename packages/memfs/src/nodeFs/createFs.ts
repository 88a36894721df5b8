import type * as NodeFs from "node:fs";
import { promisify } from "node:util";
import type { StorageBackend } from "@living-reports/core";
import { syncTwinOf } from "../syncBackend.js";
import type { FsContext } from "./context.js";
import { type Engine, type Op, runAsync, runSync } from "./engine.js";
import { FdTable } from "./fdTable.js";
import { FacadeFileHandle } from "./fileHandle.js";
import { FS_CONSTANTS } from "./flags.js";
import { Mount, type PathLike } from "./mount.js";
import { nodeError } from "./nodeErrors.js";
import { OPERATIONS } from "./operations.js";
import { realpathOp } from "./pathOps.js";
import { createReadStream, createWriteStream } from "./streams.js";

/** The node:fs functions a facade has, as `x`, `xSync` (most also as `promises.x`). */
export const FACADE_FUNCTIONS = Object.keys(OPERATIONS) as readonly string[];

type Base =
  | "open"
  | "close"
  | "read"
  | "write"
  | "fsync"
  | "fdatasync"
  | "ftruncate"
  | "fstat"
  | "readFile"
  | "writeFile"
  | "appendFile"
  | "truncate"
  | "copyFile"
  | "rename"
  | "link"
  | "unlink"
  | "mkdir"
  | "rmdir"
  | "rm"
  | "readdir"
  | "stat"
  | "lstat"
  | "access"
  | "exists"
  | "realpath"
  | "utimes"
  | "lutimes"
  | "futimes"
  | "chmod"
  | "chown"
  | "lchown"
  | "fchmod"
  | "fchown"
  | "mkdtemp";
type PromiseName = Exclude<
  Base,
  | "close"
  | "read"
  | "write"
  | "fsync"
  | "fdatasync"
  | "ftruncate"
  | "fstat"
  | "exists"
  | "futimes"
  | "fchmod"
  | "fchown"
>;

/**
 * What {@link createFsFromBackend} returns: node:fs's sync, callback and promise APIs for files
 * and directories (typed as node:fs's own), plus `constants`, `createWriteStream` and
 * `createReadStream`. Anything else node:fs has (watch, symlink, opendir, ...) is absent.
 */
export type FsFacade = Pick<
  typeof NodeFs,
  Base | `${Base}Sync` | "createWriteStream" | "createReadStream"
> & {
  readonly constants: typeof FS_CONSTANTS;
  readonly promises: Pick<typeof NodeFs.promises, PromiseName> & { readonly constants: typeof FS_CONSTANTS };
};

/** How a facade maps paths. */
export interface FsFacadeOptions {
  /** Where the disk's root appears: an absolute POSIX path (default `/`). Paths outside fail ENOENT. */
  readonly mount?: string;
  /** What relative paths resolve against (default: `process.cwd()` at each call). */
  readonly cwd?: string | (() => string);
}

/**
 * A `node:fs` over any `StorageBackend`: every call is made of the backend's primitives (open,
 * write, sync, rename, syncDir, ...), so it goes through whatever wraps the backend (the testkit's
 * fault injection, trace recorder, crash explorer) and, on a memfs disk, the durability model.
 * Nothing is durable that the calls did not make durable: `writeFile` does not fsync, a
 * directory entry is durable after `fsync` of a descriptor of its directory (`open(dir)`).
 *
 * The sync API (`writeFileSync`, ...) needs a backend with a synchronous twin, which a memfs
 * backend itself has; over a wrapper or another backend, a sync call throws ENOSYS (use the
 * callback or promise API there). Errors are shaped as node:fs's (`code`, `errno`, `syscall`,
 * `path`, `dest`, the message), the backend's error as `cause`.
 */
export function createFsFromBackend(backend: StorageBackend, options: FsFacadeOptions = {}): FsFacade {
  const twin = syncTwinOf(backend);
  const engine: Engine = twin === undefined ? { kind: "async", backend } : { kind: "sync", backend: twin };
  const cwd = options.cwd;
  const ctx: FsContext = {
    mount: new Mount(options.mount ?? "/", typeof cwd === "function" ? cwd : () => cwd ?? process.cwd()),
    fds: new FdTable(),
  };
  const runP = <T>(op: Op<T>): Promise<T> => runAsync(op, engine);
  const fs: Record<string, unknown> = { constants: FS_CONSTANTS };
  const promises: Record<string, unknown> = { constants: FS_CONSTANTS };

  const runSyncOrThrow = <T>(name: string, op: Op<T>): T => {
    if (engine.kind !== "sync") {
      const err = nodeError("ENOSYS", { syscall: name });
      err.message += `: ${name}Sync needs a backend with a synchronous twin (a memfs disk's own backend, or createFsFromDisk); this one (${backend.capabilities.name}, perhaps wrapped) has only the callback and promise APIs`;
      throw err;
    }
    return runSync(op, engine);
  };
  for (const [name, spec] of Object.entries(OPERATIONS)) {
    fs[`${name}Sync`] = (...args: unknown[]) => {
      const result = runSyncOrThrow(name, spec.make(ctx, ...args));
      return spec.sync === undefined ? result : spec.sync(result as never);
    };
    const callbackFn = (...args: unknown[]) => {
      const cb = args.pop();
      if (typeof cb !== "function") {
        throw Object.assign(
          new TypeError(`The "cb" argument must be of type function. Received ${typeof cb}`),
          {
            code: "ERR_INVALID_ARG_TYPE",
          },
        );
      }
      const done = cb as (...a: unknown[]) => void;
      runP(spec.make(ctx, ...args)).then(
        (result) => (spec.callback === undefined ? done(null, result) : spec.callback(done, result as never)),
        (err: unknown) => (name === "exists" ? done(false) : done(err)),
      );
    };
    fs[name] = callbackFn;
    if (spec.noPromise !== true) promises[name] = (...args: unknown[]) => runP(spec.make(ctx, ...args));
  }
  // util.promisify of read, write and exists resolves as node:fs's do.
  for (const name of ["read", "write"] as const) {
    Object.defineProperty(fs[name], promisify.custom, {
      value: (...args: unknown[]) =>
        runP((OPERATIONS[name] as (typeof OPERATIONS)[string]).make(ctx, ...args)),
    });
  }
  Object.defineProperty(fs.exists, promisify.custom, {
    value: (path: PathLike) =>
      new Promise((resolve) => (fs.exists as (p: PathLike, cb: (b: boolean) => void) => void)(path, resolve)),
  });
  const native = (path: PathLike) => realpathOp(ctx, path, true);
  (fs.realpath as { native?: unknown }).native = (path: PathLike, ...rest: unknown[]) => {
    const cb = rest.pop() as (err: unknown, value?: string) => void;
    runP(native(path)).then((value) => cb(null, value), cb);
  };
  (fs.realpathSync as { native?: unknown }).native = (path: PathLike) =>
    runSyncOrThrow("realpath", native(path));
  promises.realpath = (path: PathLike) => runP(native(path));

  const handleOf = (fd: number) => new FacadeFileHandle(ctx, fd, runP);
  promises.open = async (path: PathLike, flags?: string | number) =>
    handleOf(
      await runP((OPERATIONS.open as (typeof OPERATIONS)[string]).make(ctx, path, flags) as Op<number>),
    );
  // promises.readFile/writeFile/appendFile also take a FileHandle.
  for (const name of ["readFile", "writeFile", "appendFile"] as const) {
    const byPath = promises[name] as (target: unknown, ...rest: unknown[]) => Promise<unknown>;
    promises[name] = (target: unknown, ...rest: unknown[]) =>
      byPath(target instanceof FacadeFileHandle ? target.fd : target, ...rest);
  }
  fs.promises = promises;
  const facade = fs as unknown as FsFacade;
  fs.createWriteStream = (path: string, streamOptions?: unknown) =>
    createWriteStream(facade, path, streamOptions);
  fs.createReadStream = (path: string, streamOptions?: unknown) =>
    createReadStream(facade, path, streamOptions);
  return facade;
}

/**
 * A crash-simulating `node:fs` over a memfs disk (named after memfs's `createFsFromVolume`):
 * {@link createFsFromBackend} over a new backend instance of `disk`, with the sync API too.
 * Crash the disk (`disk.crash({ mode })`) and build a new facade over the crashed disk to see
 * what a power loss left.
 */
export function createFsFromDisk(
  disk: { backend(): StorageBackend },
  options: FsFacadeOptions = {},
): FsFacade {
  return createFsFromBackend(disk.backend(), options);
}
