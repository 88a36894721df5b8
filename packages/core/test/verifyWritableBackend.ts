/** Test support: a writable in-memory backend with locks, so tests can run the real store. */
import {
  type FileStat,
  fromSystemError,
  type LockPrimitive,
  mkdirPrimitive,
  type StorageBackend,
} from "../src/index.js";
import { FakeBackend } from "./durableFakeBackend.js";

/**
 * The durable tests' fake backend, given what the store needs besides: directory mtimes (lock
 * directories are refreshed with `utimes`) and the core lock manager over it.
 */
export class LockingFakeBackend extends FakeBackend {
  readonly #dirMtimes = new Map<string, number>();

  override async mkdir(path: string): Promise<void> {
    await super.mkdir(path);
    this.#dirMtimes.set(path, Date.now());
  }

  override async utimes(path: string, mtimeMs: number): Promise<void> {
    if (this.dirs.has(path)) this.#dirMtimes.set(path, mtimeMs);
    else await super.utimes(path, mtimeMs);
  }

  override async stat(path: string): Promise<FileStat> {
    const stat = await super.stat(path);
    return stat.kind === "directory" ? { ...stat, mtimeMs: this.#dirMtimes.get(path) ?? 0 } : stat;
  }

  override lockPrimitive(on: StorageBackend): LockPrimitive {
    return mkdirPrimitive(on, this.clock);
  }
}

/** The fake throws node-style errors (its tests check the mapping); a backend maps them, as here. */
export function mapErrors(backend: StorageBackend): StorageBackend {
  const proxy: StorageBackend = new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "lockPrimitive") return () => target.lockPrimitive(proxy);
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          throw fromSystemError(err, String(args[0]), String(prop));
        }
      };
    },
  });
  return proxy;
}
