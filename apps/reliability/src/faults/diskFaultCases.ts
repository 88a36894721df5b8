import * as fs from "node:fs";
import * as nodePath from "node:path";
import { forReport, runCli, startCli } from "./cliProcess.js";
import {
  type FaultCase,
  judgeWrite,
  logicalState,
  repairThenVerify,
  type StepResult,
  seedStore,
  typedError,
  updateFile,
} from "./faultCase.js";
import { fillInodesLeaving, fillLeaving, mountTmpfs } from "./tmpfsMount.js";

type WriteCommand = "create" | "update" | "delete";

async function argsFor(command: WriteCommand, root: string, id: string): Promise<string[]> {
  if (command === "create") return ["create", "New report", "--tag", "fresh"];
  if (command === "update") return ["update", id, "--file", await updateFile(root, id), "--force"];
  return ["delete", id];
}

/** The most free pages (inodes) a sweep tries before giving up on the command ever succeeding. */
const MAX_STEPS = 48;

/**
 * ENOSPC at every step of `command`: on a fresh small tmpfs per step, the store is seeded, the
 * disk filled so that only `k` pages (or inodes) stay free, and the command run, for k = 0, 1, …
 * until it succeeds. Each step must refuse (typed, nothing changed) or commit; then, with the
 * space freed, `repair` and `verify` must leave a clean store.
 */
export function enospcSweep(command: WriteCommand, unit: "pages" | "inodes", histories: number): FaultCase {
  return {
    name: `ENOSPC sweep (${unit}): ${command}`,
    group: unit === "pages" ? "ENOSPC (space)" : "ENOSPC (inodes)",
    needsMount: true,
    async run() {
      const steps: StepResult[] = [];
      // Pages: a file's last page has room for a few more lines, so each history length puts the
      // page boundary of the audit log (and the index) under a different step of the write.
      for (let extra = 0; extra < (unit === "pages" ? histories : 1); extra++) {
        steps.push(...(await sweepOnce(command, unit, extra)));
      }
      return steps;
    },
  };
}

async function sweepOnce(
  command: WriteCommand,
  unit: "pages" | "inodes",
  extra: number,
): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (let k = 0; k < MAX_STEPS; k++) {
    const fsys = mountTmpfs(unit === "pages" ? "size=1m" : "size=4m,nr_inodes=96");
    try {
      const root = nodePath.join(fsys.dir, "store");
      const id = await seedStore(root, extra);
      const args = await argsFor(command, root, id);
      const filler = unit === "pages" ? fillLeaving(fsys.dir, k) : fillInodesLeaving(fsys.dir, k);
      const before = logicalState(root);
      const out = await runCli(root, args);
      const after = logicalState(root);
      const judged = judgeWrite(before, after, out);
      const at = `${unit === "pages" ? `${extra} extra events, ` : ""}${k} ${unit} free`;
      steps.push({ step: at, ...judged });
      fs.rmSync(filler, { recursive: true, force: true });
      const mended = await repairThenVerify(root);
      if (mended.verdict !== "ok") steps.push({ ...mended, step: `${at}: ${mended.step}` });
      if (out.code === 0 || judged.verdict === "hang") break;
    } finally {
      fsys.dispose();
    }
  }
  return steps;
}

const READS: readonly (readonly string[])[] = [["list"], ["show", "ID"], ["history", "ID"], ["verify"]];
const WRITES: readonly (readonly string[])[] = [
  ["create", "New"],
  ["rename", "ID", "Renamed"],
  ["tag", "ID", "--add", "x"],
  ["archive", "ID"],
  ["delete", "ID"],
  ["repair"],
  ["rebuild-index"],
];

/**
 * A read-only remount: reads work (exit 0); every write is refused with a typed error (READ_ONLY
 * or the like, exit 6) and changes nothing; after remounting read-write the store is clean.
 */
export function readOnlyRemount(): FaultCase {
  return {
    name: "read-only remount: every command",
    group: "read-only",
    needsMount: true,
    async run() {
      const steps: StepResult[] = [];
      const fsys = mountTmpfs("size=4m");
      try {
        const root = nodePath.join(fsys.dir, "store");
        const id = await seedStore(root);
        const update = ["update", id, "--file", await updateFile(root, id), "--force"];
        fsys.remountReadOnly();
        const before = logicalState(root);
        for (const argv of READS) {
          const out = await runCli(root, forReport(argv, id));
          steps.push({
            step: argv[0] ?? "",
            verdict: out.hung ? "hang" : out.code === 0 ? "ok" : "wrong",
            detail: `exit ${out.code} in ${out.ms} ms ${typedError(out) ?? ""}`,
          });
        }
        for (const argv of [...WRITES, update]) {
          const out = await runCli(root, forReport(argv, id));
          const judged = judgeWrite(before, logicalState(root), out);
          // "repair" on a clean store may succeed without a change: it has nothing to write.
          const verdict =
            judged.verdict === "succeeded-without-change" && argv[0] === "repair" ? "ok" : judged.verdict;
          steps.push({ step: argv[0] ?? "", verdict, detail: judged.detail });
        }
        fsys.remountReadWrite();
        steps.push(await repairThenVerify(root));
      } finally {
        fsys.dispose();
      }
      return steps;
    },
  };
}

/**
 * The disk turns read-only while a command waits for its report's lock: the command times out
 * (LOCK_TIMEOUT, exit 5) and must then end, although closing its store fails (EROFS: the session
 * lock cannot be removed). A close that throws part-way must still release its files and stop its
 * lock-refresh timers, or the process never exits.
 */
export function readOnlyWhileWaiting(): FaultCase {
  return {
    name: "read-only remount while a command waits for its lock (close fails EROFS)",
    group: "read-only",
    needsMount: true,
    async run() {
      const steps: StepResult[] = [];
      const fsys = mountTmpfs("size=4m");
      try {
        const root = nodePath.join(fsys.dir, "store");
        const id = await seedStore(root);
        // The holder: the lock directory itself, as a crashed process leaves it (fresh mtime).
        fs.mkdirSync(nodePath.join(root, "by_id", id, ".lock"));
        const running = startCli(root, ["rename", id, "Renamed"]);
        await until(() => fs.readdirSync(nodePath.join(root, ".sessions")).length > 0, 10_000);
        fsys.remountReadOnly();
        const out = await running.done;
        steps.push({
          step: "rename waiting for the lock, disk read-only under it",
          verdict: out.hung ? "hang" : out.code !== 0 && typedError(out) !== undefined ? "refused" : "wrong",
          detail: `exit ${out.code} in ${out.ms} ms ${typedError(out) ?? ""}`,
        });
        fsys.remountReadWrite();
        fs.rmdirSync(nodePath.join(root, "by_id", id, ".lock"));
        steps.push(await repairThenVerify(root));
      } finally {
        fsys.dispose();
      }
      return steps;
    },
  };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
