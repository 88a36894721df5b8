import {
  type LockHooks,
  type LockPrimitive,
  mkdirPrimitive,
  type StorageBackend,
  systemClock,
} from "@living-reports/core";

/** The lock options of {@link nodeFsBackend}. */
export interface NodeFsLockOptions {
  /**
   * Test hooks: `beforeRefresh(path)` is awaited before every refresh write of a held lock (a test
   * stalls a holder on purpose by returning a promise that settles late; a rejection counts as a
   * failed refresh).
   */
  hooks?: LockHooks;
}

/**
 * The node-fs lock primitive (docs/LOCKS.md): core's mkdir primitive over `on` (this backend or a
 * wrapper of it, so traces include the lock directories), on the wall clock. A directory made
 * with `mkdir` is atomic on every filesystem, network ones included; its mtime is stamped with
 * `utimes` and read back, so a filesystem that rounds mtimes is judged by what it stored.
 */
export function nodeFsLockPrimitive(on: StorageBackend, options: NodeFsLockOptions = {}): LockPrimitive {
  const primitive = mkdirPrimitive(on, systemClock);
  const hook = options.hooks?.beforeRefresh;
  if (hook === undefined) return primitive;
  return {
    tryAcquire: (path, context) =>
      primitive.tryAcquire(path, {
        refreshMs: context.refreshMs,
        onLost: (err) => context.onLost(err),
        beforeRefresh: async () => {
          await hook(path);
          await context.beforeRefresh();
        },
      }),
    inspect: (path) => primitive.inspect(path),
    remove: (path, state) => primitive.remove(path, state),
  };
}
