import { ErrorCode, type FileHandle, LivingReportsError } from "@living-reports/core";

/** A handle that can forget its unsynced data (memfs's `MemfsFileHandle.loseUnsynced`). */
interface LosesUnsynced {
  loseUnsynced(): Promise<void>;
}

/**
 * Drops `handle`'s unsynced data, as a failed fsync may on Linux.
 *
 * @throws LivingReportsError INVALID_INPUT when the backend cannot (only a simulated disk can)
 */
export async function loseUnsynced(handle: FileHandle): Promise<void> {
  const lose = (handle as Partial<LosesUnsynced>).loseUnsynced;
  if (typeof lose !== "function") {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `fault rule loseUnsynced: the backend of ${JSON.stringify(handle.path)} cannot forget unsynced data ` +
        "(use a memfs disk)",
      { path: handle.path },
    );
  }
  await lose.call(handle);
}
