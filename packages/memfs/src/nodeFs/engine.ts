import type { FileHandle, FileStat, OpenMode, StorageBackend } from "@living-reports/core";
import type { SyncFileHandle, SyncStorageBackend } from "../syncBackend.js";
import { type ErrorSite, toNodeError } from "./nodeErrors.js";

/** An open file as the engine sees it: a backend handle, sync or async by the engine's kind. */
export type AnyHandle = SyncFileHandle | FileHandle;

type BackendCall =
  | { readonly op: "open"; readonly args: [string, OpenMode] }
  | {
      readonly op: "readFile" | "syncDir" | "unlink" | "mkdir" | "rmdir" | "readdir" | "stat";
      readonly args: [string];
    }
  | { readonly op: "rename" | "link"; readonly args: [string, string] }
  | { readonly op: "utimes"; readonly args: [string, number] };

type HandleCall =
  | { readonly op: "read"; readonly args: [number, number] }
  | { readonly op: "write"; readonly args: [Uint8Array, number?] }
  | { readonly op: "truncate"; readonly args: [number] }
  | { readonly op: "sync" | "datasync" | "stat" | "close"; readonly args: [] };

/**
 * One backend primitive an operation asks for, with the site a Node error names. Operations are
 * generators yielding these: written once, they run synchronously over a {@link SyncStorageBackend}
 * or asynchronously over any `StorageBackend` (see {@link runSync}, {@link runAsync}).
 */
export type Request = (
  | (BackendCall & { readonly handle?: undefined })
  | (HandleCall & { readonly handle: AnyHandle })
) & {
  readonly site: ErrorSite;
};

/** An operation of the facade: a generator of backend requests returning `T`. */
export type Op<T> = Generator<Request, T, unknown>;

/** The storage an engine runs operations on. */
export type Engine =
  | { readonly kind: "sync"; readonly backend: SyncStorageBackend }
  | { readonly kind: "async"; readonly backend: StorageBackend };

function perform(engine: Engine, req: Request): unknown {
  const target = (req.handle ?? engine.backend) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const method = target[req.op];
  if (method === undefined) throw new TypeError(`no ${req.op} on this backend`);
  return method.apply(target, req.args);
}

/** Runs an operation to its end, each request a synchronous call (the engine must be `sync`). */
export function runSync<T>(op: Op<T>, engine: Engine): T {
  let step = op.next();
  while (!step.done) {
    const req = step.value;
    let value: unknown;
    try {
      value = perform(engine, req);
    } catch (err) {
      step = op.throw(toNodeError(err, req.site));
      continue;
    }
    step = op.next(value);
  }
  return step.value;
}

/** Runs an operation to its end, awaiting each request (any engine). */
export async function runAsync<T>(op: Op<T>, engine: Engine): Promise<T> {
  let step = op.next();
  while (!step.done) {
    const req = step.value;
    let value: unknown;
    try {
      value = await perform(engine, req);
    } catch (err) {
      step = op.throw(toNodeError(err, req.site));
      continue;
    }
    step = op.next(value);
  }
  return step.value;
}

// Typed requests, one per primitive: `const h = yield* open(rel, "w", site)`.

export function* open(path: string, mode: OpenMode, site: ErrorSite): Op<AnyHandle> {
  return (yield { op: "open", args: [path, mode], site }) as AnyHandle;
}
export function* readWhole(path: string, site: ErrorSite): Op<Uint8Array> {
  return (yield { op: "readFile", args: [path], site }) as Uint8Array;
}
export function* syncDir(path: string, site: ErrorSite): Op<void> {
  yield { op: "syncDir", args: [path], site };
}
export function* unlink(path: string, site: ErrorSite): Op<void> {
  yield { op: "unlink", args: [path], site };
}
export function* mkdir(path: string, site: ErrorSite): Op<void> {
  yield { op: "mkdir", args: [path], site };
}
export function* rmdir(path: string, site: ErrorSite): Op<void> {
  yield { op: "rmdir", args: [path], site };
}
export function* readdir(path: string, site: ErrorSite): Op<string[]> {
  return (yield { op: "readdir", args: [path], site }) as string[];
}
export function* stat(path: string, site: ErrorSite): Op<FileStat> {
  return (yield { op: "stat", args: [path], site }) as FileStat;
}
export function* rename(from: string, to: string, site: ErrorSite): Op<void> {
  yield { op: "rename", args: [from, to], site };
}
export function* link(existing: string, to: string, site: ErrorSite): Op<void> {
  yield { op: "link", args: [existing, to], site };
}
export function* utimes(path: string, mtimeMs: number, site: ErrorSite): Op<void> {
  yield { op: "utimes", args: [path, mtimeMs], site };
}
export function* hRead(handle: AnyHandle, length: number, position: number, site: ErrorSite): Op<Uint8Array> {
  return (yield { op: "read", handle, args: [length, position], site }) as Uint8Array;
}
export function* hWrite(
  handle: AnyHandle,
  data: Uint8Array,
  position: number | undefined,
  site: ErrorSite,
): Op<number> {
  const args: [Uint8Array, number?] = position === undefined ? [data] : [data, position];
  return (yield { op: "write", handle, args, site }) as number;
}
export function* hTruncate(handle: AnyHandle, length: number, site: ErrorSite): Op<void> {
  yield { op: "truncate", handle, args: [length], site };
}
export function* hSync(handle: AnyHandle, op: "sync" | "datasync", site: ErrorSite): Op<void> {
  yield { op, handle, args: [], site };
}
export function* hStat(handle: AnyHandle, site: ErrorSite): Op<FileStat> {
  return (yield { op: "stat", handle, args: [], site }) as FileStat;
}
export function* hClose(handle: AnyHandle, site: ErrorSite): Op<void> {
  yield { op: "close", handle, args: [], site };
}
