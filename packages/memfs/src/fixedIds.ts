/*
 * memfs asks the global `process` for the caller's uid and gid on every node it creates and on
 * every permission check (`Node#canRead()` and friends take `process.getuid()` as a default
 * argument, whatever `process` option the volume was given). Each call is a system call, and
 * on a sandboxed host one costs microseconds: it was over a quarter of the crash explorer's
 * time. The volumes of this package are private, single-user and own every node as uid/gid 0
 * (see `VOLUME_PROCESS` in volumeImage.ts), so inside a memfs step the ids are fixed to 0 too.
 *
 * The override is scoped: it lasts exactly one synchronous memfs step, so no other code (no
 * other callback, no other task) can observe it, and it is undone even when the step throws.
 */

/** The uid and gid every node of a memfs disk belongs to, and every caller has. */
const VOLUME_ID = 0;
const fixedId = (): number => VOLUME_ID;

/**
 * Runs one synchronous memfs step with `process.getuid`/`process.getgid` answering 0 without a
 * system call, then restores them (also when `step` throws). Must not be given an async step:
 * the override would end at its first `await`.
 */
export function withFixedIds<T>(step: () => T): T {
  const { getuid, getgid } = process;
  // No such calls on this platform (Windows): nothing to override. When nested, the inner frame
  // saves and restores the override itself, which is harmless.
  if (getuid === undefined || getgid === undefined) return step();
  process.getuid = fixedId;
  process.getgid = fixedId;
  try {
    return step();
  } finally {
    process.getuid = getuid;
    process.getgid = getgid;
  }
}
