import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runConformanceSuite } from "@living-reports/testkit";
import { nodeFsBackend } from "../src/index.js";

// A real disk: no `crash` (power loss cannot be simulated), and lock time is wall time.
runConformanceSuite({
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
