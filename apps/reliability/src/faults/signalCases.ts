/** Real-fault case: a CLI command interrupted by a signal while it waits for a lock. */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { createLockManager } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { forReport, runCli, startCli } from "./cliProcess.js";
import { type FaultCase, repairThenVerify, type StepResult } from "./faultCase.js";
import { withStoreDir } from "./storeDir.js";

/**
 * SIGINT and SIGTERM while a command waits for a lock held elsewhere: it must exit 130/143 at once,
 * its session lock removed; the next command then works and the store verifies clean.
 */
export function signals(): FaultCase {
  return {
    name: "SIGINT/SIGTERM while waiting for a lock",
    group: "signal",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        for (const argv of [["rename", "ID", "Renamed"], ["repair"]]) {
          await withStoreDir(async (root, id) => {
            const backend = nodeFsBackend({ root });
            const locks = createLockManager(backend);
            const held = await locks.acquire(`by_id/${id}/.lock`);
            // A long lock timeout: the command must still be waiting when the signal comes.
            const running = startCli(root, forReport(argv, id), 10_000);
            const sessions = nodePath.join(root, ".sessions");
            const end = Date.now() + 10_000;
            while (fs.readdirSync(sessions).length === 0 && Date.now() < end) await sleep(20);
            await sleep(100);
            running.signal(sig);
            const out = await running.done;
            await held.release();
            await locks.close();
            const want = sig === "SIGINT" ? 130 : 143;
            const left = fs.readdirSync(sessions);
            steps.push({
              step: `${sig}: ${argv[0]}`,
              verdict: out.hung ? "hang" : out.code === want && left.length === 0 ? "ok" : "wrong",
              detail: `exit ${out.code} in ${out.ms} ms; session locks left: ${left.length}`,
            });
            const next = await runCli(root, ["tag", id, "--add", "after"]);
            if (next.code !== 0)
              steps.push({ step: `${sig}: next write`, verdict: "wrong", detail: next.stderr });
            steps.push(await repairThenVerify(root));
          });
        }
      }
      return steps;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
