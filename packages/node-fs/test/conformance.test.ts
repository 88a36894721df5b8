import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runConformanceSuite, type TargetRoot } from "@living-reports/testkit";
import { nodeFsBackend } from "../src/index.js";

// A real disk: no `crash` (power loss cannot be simulated), and lock time is wall time.
runConformanceSuite({
  name: "node-fs",
  // POSIX only: Windows has no mkfifo (the FIFO cases then skip, saying so).
  ...(process.platform === "win32"
    ? {}
    : {
        makeFifo: async (root: TargetRoot, rel: string) => {
          execFileSync("mkfifo", [path.join(root.hostPath ?? "", rel)]);
        },
      }),
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
