import type { Clock } from "@living-reports/core";
import { MemfsDisk, type MemfsDiskSnapshot } from "./memfsDisk.js";
import { VirtualClock } from "./virtualClock.js";

/**
 * How the crash explorer makes memfs disks: pass it as `disks` to `exploreCrashes`, `runMutant`
 * or `runCrashcheck` (`@living-reports/testkit`), whose `DiskModel` it satisfies. Fresh disks and
 * disks restored from snapshots, their locks and mtimes on a {@link VirtualClock}.
 */
export const memfsDisks: {
  create(clock: Clock): MemfsDisk;
  fromSnapshot(snapshot: MemfsDiskSnapshot, clock: Clock): MemfsDisk;
  clock(startMs: number): VirtualClock;
} = Object.freeze({
  create: (clock: Clock) => MemfsDisk.create({ clock }),
  fromSnapshot: (snapshot: MemfsDiskSnapshot, clock: Clock) => MemfsDisk.fromSnapshot(snapshot, { clock }),
  clock: (startMs: number) => new VirtualClock(startMs),
});
