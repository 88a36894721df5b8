/**
 * What survives of the volatile (not yet synced) changes at a simulated crash (docs/CRASH-MODEL.md):
 * - `drop`: none
 * - `prefix`: for each file a prefix of its writes, for each directory a prefix of its entry changes
 * - `torn`: as `prefix`, and the last kept write of a file may be cut at any byte
 * - `reorder`: any subset
 */
export type CrashMode = "drop" | "prefix" | "torn" | "reorder";

/** The modes, weakest promise last. */
export const CRASH_MODES: readonly CrashMode[] = ["drop", "prefix", "torn", "reorder"];

/** How to crash: the mode, and the seed that picks among the states the mode allows. */
export interface CrashOptions {
  mode?: CrashMode;
  seed?: number;
}
