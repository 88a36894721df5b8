import type { LockState } from "./lockPrimitive.js";

/**
 * Locks this process failed to remove on release, by `storageId` NUL path, with the identity they
 * had on disk. Process-wide, like the in-process queue: any manager of this process may reclaim
 * them at its next acquisition of the same lock (see `reclaimOwnLeftover`).
 */
const leftovers = new Map<string, LockState>();

/** Remembers that the lock `key` was left on disk as `state` by a failed release. Never throws. */
export function rememberLeftover(key: string, state: LockState): void {
  leftovers.set(key, state);
}

/** This process's leftover of lock `key`, if a release of it failed. Never throws. */
export function ownLeftover(key: string): LockState | undefined {
  return leftovers.get(key);
}

/** Forgets the leftover of lock `key` (it was reclaimed, or the lock was acquired anew). Never throws. */
export function forgetLeftover(key: string): void {
  leftovers.delete(key);
}
