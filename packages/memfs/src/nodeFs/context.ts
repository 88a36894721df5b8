import type { FdTable } from "./fdTable.js";
import type { Mount } from "./mount.js";

/** What every operation of one facade shares: where the disk is mounted, its descriptors. */
export interface FsContext {
  readonly mount: Mount;
  readonly fds: FdTable;
}

/** A file position argument: `null`, `-1` or nothing mean "the descriptor's own position". */
export type Position = number | bigint | null | undefined;

/** The explicit position of a position argument, or undefined. */
export function explicitPosition(position: Position): number | undefined {
  if (position === null || position === undefined) return undefined;
  const n = Number(position);
  return n < 0 ? undefined : n;
}
