import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CrashOptions, StorageBackend } from "@living-reports/core";
import { createMemfsDisk, VirtualClock } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import { describeModelBased } from "../conformance/modelBased.js";

if (process.env.T !== "node") describeModelBased({
  name: "memfs",
  async setup() {
    const clock = new VirtualClock();
    let disk = createMemfsDisk({ clock });
    return {
      backend: disk.backend(),
      another: () => disk.backend(),
      crash(options?: CrashOptions): StorageBackend {
        disk = disk.crash(options);
        return disk.backend();
      },
      advanceClock: (ms: number) => clock.advance(ms),
      async teardown() {},
    };
  },
});
if (process.env.T !== "memfs") describeModelBased({
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
