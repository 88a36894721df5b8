import type { FileHandle, StorageBackend } from "@living-reports/core";
import { utf8 } from "../support/bytes.js";

/** The target, its temp name and the two contents of the hand-made atomic replace. */
export const REPLACE = {
  dir: "d",
  target: "d/outline.json",
  temp: "d/outline.json.tmp-0123456789abcdef",
  old: `{"version":"old","pad":"${"o".repeat(300)}"}`,
  next: `{"version":"new","pad":"${"n".repeat(500)}"}`,
} as const;

/**
 * The steps of an atomic replace (docs/GUARANTEES.md#g1-atomic-outline), done by hand with the backend primitives so a crash
 * can be placed after any prefix of them: open wx temp, write first half, write second half, fsync,
 * close, rename over the target, fsync the directory.
 */
export function atomicReplaceSteps(backend: StorageBackend): (() => Promise<void>)[] {
  const data = utf8(REPLACE.next);
  const half = Math.floor(data.length / 2);
  // Assigned by the first step; the steps only ever run in order.
  let handle!: FileHandle;
  return [
    async () => {
      handle = await backend.open(REPLACE.temp, "wx");
    },
    async () => {
      await handle.write(data.subarray(0, half), 0);
    },
    async () => {
      await handle.write(data.subarray(half), half);
    },
    () => handle.sync(),
    () => handle.close(),
    () => backend.rename(REPLACE.temp, REPLACE.target),
    () => backend.syncDir(REPLACE.dir),
  ];
}
