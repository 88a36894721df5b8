import { statIfExists } from "../backend/statIfExists.js";
import type { StorageBackend } from "../backend/storageBackend.js";
import type { Clock } from "./clock.js";
import { isAlreadyExists, lockCompromised } from "./lockErrors.js";
import {
  type LockPrimitive,
  type LockState,
  type PrimitiveContext,
  type PrimitiveLock,
  sameLockInstance,
} from "./lockPrimitive.js";

/**
 * The default {@link LockPrimitive}: a directory created with `backend.mkdir` (atomic on every
 * filesystem, network ones included), its mtime set with `backend.utimes` to the clock's time (so
 * a virtual clock works), checked with `stat`, removed with `rmdir`. Every step goes through the
 * backend, so traces and fault injection see the lock.
 */
export function mkdirPrimitive(backend: StorageBackend, clock: Clock): LockPrimitive {
  return {
    async tryAcquire(path, context) {
      const at = clock.now();
      try {
        await backend.mkdir(path);
      } catch (err) {
        if (isAlreadyExists(err)) return undefined;
        throw err;
      }
      try {
        await backend.utimes(path, at);
        const state = await inspectOrThrow(backend, path);
        return new MkdirLock(backend, clock, path, state, freshness(at, state), context);
      } catch (err) {
        // Our fresh directory must not outlive a failed acquisition. Should the rmdir fail too, the
        // directory is left with an mtime no newer than `at` and is reclaimed once stale.
        await backend.rmdir(path).catch(() => undefined);
        throw err;
      }
    },
    inspect: (path) => inspectPath(backend, path),
    async remove(path, state) {
      if (state.kind === "directory") await backend.rmdir(path);
      else await backend.unlink(path);
    },
  };
}

class MkdirLock implements PrimitiveLock {
  constructor(
    private readonly backend: StorageBackend,
    private readonly clock: Clock,
    private readonly path: string,
    private state: LockState,
    public freshAt: number,
    private readonly context: PrimitiveContext,
  ) {}

  async refresh(): Promise<void> {
    await this.context.beforeRefresh();
    const current = await inspectPath(this.backend, this.path);
    if (current === undefined) throw lockCompromised(this.path, "the lock was removed");
    if (!sameLockInstance(current, this.state)) throw lockCompromised(this.path, "the lock was replaced");
    const at = this.clock.now();
    await this.backend.utimes(this.path, at);
    // Read the mtime back: the filesystem may round it, and the next check compares exactly.
    this.state = await inspectOrThrow(this.backend, this.path);
    this.freshAt = freshness(at, this.state);
  }

  async release(): Promise<void> {
    await this.backend.rmdir(this.path);
  }

  abandon(): void {}

  onDisk(): LockState {
    return this.state;
  }
}

/**
 * When a lock stamped at clock time `at` counts as fresh from: `at`, or the mtime the filesystem
 * stored if it rounded `at` down (a filesystem with coarse timestamps), so that the holder gives
 * up no later than a reclaimer reading that mtime could judge the lock stale.
 */
function freshness(at: number, state: LockState): number {
  return Math.min(at, state.mtimeMs);
}

/** `stat` of `path` as a {@link LockState}, or `undefined` when nothing is there. */
export async function inspectPath(backend: StorageBackend, path: string): Promise<LockState | undefined> {
  const st = await statIfExists(backend, path);
  return st === undefined ? undefined : { kind: st.kind, ino: st.ino, mtimeMs: st.mtimeMs };
}

async function inspectOrThrow(backend: StorageBackend, path: string): Promise<LockState> {
  const state = await inspectPath(backend, path);
  if (state === undefined) throw lockCompromised(path, "the lock vanished right after it was written");
  return state;
}
