import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeFaults, type TargetRoot } from "@living-reports/testkit";
import { createMemfsDisk, VirtualClock } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import type { CrashOptions, StorageBackend } from "@living-reports/core";

describeFaults({
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
      async teardown(): Promise<void> {},
    };
  },
});
describeFaults({
  name: "node-fs",
  setup: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lr-"));
    return {
      backend: nodeFsBackend({ root: dir }),
      another: () => nodeFsBackend({ root: dir }),
      hostPath: dir,
      advanceClock: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      teardown: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
});
