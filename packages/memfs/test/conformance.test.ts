import type { CrashOptions, StorageBackend } from "@living-reports/core";
import { runConformanceSuite, type TargetRoot } from "@living-reports/testkit";
import { createMemfsDisk, VirtualClock } from "../src/index.js";

runConformanceSuite({
  name: "memfs",
  async setup(): Promise<TargetRoot> {
    const clock = new VirtualClock();
    let disk = createMemfsDisk({ clock });
    return {
      backend: disk.backend(),
      another: () => disk.backend(),
      crash(options?: CrashOptions): StorageBackend {
        disk = disk.crash(options);
        return disk.backend();
      },
      advanceClock: (ms) => clock.advance(ms),
      async teardown(): Promise<void> {
        // Nothing to release: the disk is garbage once unreferenced, and virtual timers never run.
      },
    };
  },
});
