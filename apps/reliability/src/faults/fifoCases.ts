/** Real-fault cases: a FIFO where the store expects a regular file (node-fs must not block on it). */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { forReport, runCli } from "./cliProcess.js";
import {
  type FaultCase,
  judgeWrite,
  logicalState,
  type StepResult,
  typedError,
  updateFile,
} from "./faultCase.js";
import { withStoreDir } from "./storeDir.js";

const COMMANDS: readonly (readonly string[])[] = [
  ["show", "ID"],
  ["history", "ID"],
  ["list"],
  ["rename", "ID", "Renamed"],
  ["tag", "ID", "--add", "x"],
  ["UPDATE"],
  ["delete", "ID"],
  ["verify"],
  ["repair"],
];

/** The places a regular file is expected, relative to the root (`ID` the report, `BACKUP` its backup). */
const FIFO_PLACES = [
  "by_id/ID/outline.json",
  "by_id/ID/audit.jsonl",
  "index.jsonl",
  "FORMAT",
  "by_id/ID/backups/BACKUP",
];

/**
 * A FIFO in each place a file is expected, and every command against it: each must end within its
 * lock timeout (the hang limit of the runner), with exit 0, or 1 for verify, or a typed error.
 */
export function fifoEverywhere(): FaultCase {
  return {
    name: "FIFO where a file is expected: every command",
    group: "FIFO",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const place of FIFO_PLACES) {
        for (const argv of COMMANDS) {
          await withStoreDir(async (root, id) => {
            const args =
              argv[0] === "UPDATE"
                ? ["update", id, "--file", await updateFile(root, id), "--force"]
                : forReport(argv, id);
            const backup = fs.readdirSync(nodePath.join(root, "by_id", id, "backups"))[0] ?? "none";
            const path = nodePath.join(root, place.replace("ID", id).replace("BACKUP", backup));
            fs.rmSync(path, { force: true });
            execFileSync("mkfifo", [path]);
            const out = await runCli(root, args);
            const typed = typedError(out);
            const fine = out.code === 0 || (out.code === 1 && args[0] === "verify") || typed !== undefined;
            steps.push({
              step: `${place}: ${args[0]}`,
              verdict: out.hung ? "hang" : fine ? "finished" : "wrong",
              // Without a typed error, what the command said instead (a crash's stack, a warning).
              detail: `exit ${out.code} in ${out.ms} ms ${typed ?? out.stderr.trim().split("\n")[0] ?? ""}`,
            });
          });
        }
      }
      return steps;
    },
  };
}

/**
 * A FIFO at `index.jsonl` (refused as WRONG_KIND when the store reads it): `create` and `rename`
 * must either commit and succeed or change nothing.
 */
export function indexFifo(): FaultCase {
  return {
    name: "index.jsonl a FIFO: create and rename",
    group: "store",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const argv of [
        ["create", "New"],
        ["rename", "ID", "Renamed"],
      ]) {
        await withStoreDir(async (root, id) => {
          fs.rmSync(nodePath.join(root, "index.jsonl"));
          execFileSync("mkfifo", [nodePath.join(root, "index.jsonl")]);
          const before = logicalState(root);
          const out = await runCli(root, forReport(argv, id));
          steps.push({ step: argv[0] ?? "", ...judgeWrite(before, logicalState(root), out) });
        });
      }
      return steps;
    },
  };
}
