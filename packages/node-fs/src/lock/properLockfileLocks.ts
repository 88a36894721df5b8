import {
  createLockManager,
  type LockHooks,
  type LockManager,
  type LockOptions,
  type StorageBackend,
} from "@living-reports/core";
import { properLockfilePrimitive } from "./properLockfilePrimitive.js";

/** The options of {@link properLockfileLocks}. */
export interface ProperLockfileLocksOptions {
  /** Options applied to every acquisition unless it overrides them (default: docs/LOCKS.md's). */
  defaults?: LockOptions;
  /** Test hooks, e.g. to stall a holder's refreshes on purpose. */
  hooks?: LockHooks;
}

/**
 * The node-fs lock manager: core's lock protocol ({@link createLockManager}: in-process FIFO
 * queue, fast cross-process retries, guarded stale reclaim, compromise detection) over
 * proper-lockfile's mkdir locks, created through `on` (this backend or a wrapper of it) so that
 * traces include them. Runs on the wall clock.
 */
export function properLockfileLocks(
  on: StorageBackend,
  options: ProperLockfileLocksOptions = {},
): LockManager {
  return createLockManager(on, {
    primitive: properLockfilePrimitive(on),
    ...(options.defaults === undefined ? {} : { defaults: options.defaults }),
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
  });
}
