import {
  type BackendCapabilities,
  type Clock,
  ErrorCode,
  type FileHandle,
  type FileStat,
  LivingReportsError,
  type LockPrimitive,
  mkdirPrimitive,
  normalizePath,
  type OpenMode,
  type StorageBackend,
} from "@living-reports/core";
import { attempt } from "./attempt.js";
import type { LiveFs } from "./liveFs.js";
import type { MemfsDisk } from "./memfsDisk.js";
import { MemfsFileHandle } from "./memfsFileHandle.js";

/** What the memfs backend can do: hard links, real directory sync, simulated durability. */
export const MEMFS_CAPABILITIES: BackendCapabilities = Object.freeze({
  name: "memfs",
  hardLinks: true,
  directorySync: true,
  durability: "simulated",
});

const OPEN_MODES: ReadonlySet<string> = new Set<OpenMode>(["r", "r+", "w", "wx", "a"]);

/**
 * A {@link StorageBackend} over a {@link MemfsDisk}: one "process" on the shared disk. Several
 * instances of one disk see each other's changes at once and share its durability model.
 */
export interface MemfsBackend extends StorageBackend {
  /** The disk this backend works on (to crash it, snapshot it, or make another instance). */
  readonly disk: MemfsDisk;
}

/** Makes a backend instance over a disk's live filesystem (called by {@link MemfsDisk.backend}). */
export function createMemfsBackend(disk: MemfsDisk, fs: LiveFs): MemfsBackend {
  return new MemfsBackendInstance(disk, fs);
}

/*
 * Every method normalises its paths first (INVALID_PATH before anything is touched), then does
 * one synchronous step on the live filesystem: memfs is synchronous, and doing each call in one
 * step makes it atomic with respect to the other instances.
 */
class MemfsBackendInstance implements MemfsBackend {
  readonly capabilities = MEMFS_CAPABILITIES;
  readonly storageId: string;
  readonly disk: MemfsDisk;
  readonly #fs: LiveFs;

  constructor(disk: MemfsDisk, fs: LiveFs) {
    this.disk = disk;
    this.#fs = fs;
    this.storageId = `memfs:${disk.id}`;
  }

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return attempt(path, "open", () => {
      const p = normalizePath(path);
      if (!OPEN_MODES.has(mode)) {
        throw new LivingReportsError(ErrorCode.INVALID_INPUT, `unknown open mode ${JSON.stringify(mode)}`, {
          path,
        });
      }
      return new MemfsFileHandle(this.#fs, this.#fs.open(p, mode));
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    return attempt(path, "readFile", () => this.#fs.readFile(normalizePath(path)));
  }

  syncDir(path: string): Promise<void> {
    return attempt(path, "syncDir", () => this.#fs.syncDir(normalizePath(path)));
  }

  rename(from: string, to: string): Promise<void> {
    return attempt(from, "rename", () => {
      this.#fs.rename(normalizePath(from), normalizePath(to));
    });
  }

  link(existing: string, to: string): Promise<void> {
    return attempt(existing, "link", () => {
      this.#fs.link(normalizePath(existing), normalizePath(to));
    });
  }

  unlink(path: string): Promise<void> {
    return attempt(path, "unlink", () => this.#fs.unlink(normalizePath(path)));
  }

  mkdir(path: string): Promise<void> {
    return attempt(path, "mkdir", () => this.#fs.mkdir(normalizePath(path)));
  }

  rmdir(path: string): Promise<void> {
    return attempt(path, "rmdir", () => this.#fs.rmdir(normalizePath(path)));
  }

  readdir(path: string): Promise<string[]> {
    return attempt(path, "readdir", () => this.#fs.readdir(normalizePath(path)));
  }

  stat(path: string): Promise<FileStat> {
    return attempt(path, "stat", () => this.#fs.stat(normalizePath(path)));
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    return attempt(path, "utimes", () => {
      const p = normalizePath(path);
      if (!Number.isFinite(mtimeMs)) {
        throw new LivingReportsError(
          ErrorCode.INVALID_INPUT,
          `mtime must be a finite number, got ${mtimeMs}`,
          {
            path,
          },
        );
      }
      this.#fs.utimes(p, mtimeMs);
    });
  }

  /** The disk's clock: every instance of one disk judges its locks by the same (virtual) time. */
  get clock(): Clock {
    return this.disk.clock;
  }

  /** mkdir locks in the volume, made through `on`, stamped with the disk's clock. */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return mkdirPrimitive(on, this.disk.clock);
  }
}
