import {
  createLockManager,
  type LockHandle,
  type LockManager,
  type StorageBackend,
} from "@living-reports/core";

/**
 * The locks a live store holds right now, as its lock manager handed them out: what it holds for
 * an operation and what it keeps between commits (leases). The model's harness ages only the
 * locks on disk that are not in here, the leftovers of a failed operation: aging a kept lock
 * would make its live holder find it compromised.
 */
export class HeldLocks {
  readonly #held = new Set<LockHandle>();

  /** The paths of the locks held now. */
  paths(): Set<string> {
    return new Set([...this.#held].map((h) => h.path));
  }

  /** A lock manager factory for `openReports({ lockManager })`: the default manager, tracked here. */
  managerFactory(): (backend: StorageBackend) => LockManager {
    return (backend) => this.#tracked(createLockManager(backend));
  }

  #tracked(manager: LockManager): LockManager {
    const held = this.#held;
    return {
      get clock() {
        return manager.clock;
      },
      async acquire(path, options) {
        const handle = await manager.acquire(path, options);
        held.add(handle);
        // The handle as it is, but for `release`, after which (done or failed: a lock whose
        // removal failed is a leftover) it is no longer held.
        return new Proxy(handle, {
          get(target, key) {
            if (key === "release") {
              return async () => {
                try {
                  await target.release();
                } finally {
                  held.delete(target);
                }
              };
            }
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
      },
      async close() {
        try {
          await manager.close();
        } finally {
          held.clear();
        }
      },
    };
  }
}
