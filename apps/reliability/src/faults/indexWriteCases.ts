/** Real-fault cases: `index.jsonl` that cannot be written after a commit (injected EACCES, `chattr +i`). */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { injectFaults } from "@living-reports/testkit";
import { forReport, runCli } from "./cliProcess.js";
import { type FaultCase, judgeWrite, logicalState, repairThenVerify, type StepResult } from "./faultCase.js";
import { withStoreDir } from "./storeDir.js";

/**
 * The index cannot be appended to after the outline and its event are committed (EACCES on every
 * write to `index.jsonl`, as an immutable file gives): `create` and `rename` must either commit and
 * succeed (the index is derived; what could not be tidied is reported, and recovery rebuilds it) or
 * change nothing; never fail after committing (then `create` never hands out the new id and a retry
 * makes a duplicate).
 */
export function indexUnwritable(): FaultCase {
  return {
    name: "index.jsonl unwritable after the commit: create and rename",
    group: "store",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const op of ["create", "rename"] as const) {
        await withStoreDir(async (root, id) => {
          const store = await openReports(
            injectFaults(nodeFsBackend({ root }), [
              { op: "open", path: "index.jsonl", error: "EACCES", times: "always" },
              { op: "write", path: "index.jsonl", error: "EACCES", times: "always" },
            ]),
          );
          const before = logicalState(root);
          let outcome: string;
          try {
            if (op === "create") await store.create({ title: "New" });
            else await store.rename(id, "Renamed");
            outcome = "resolved";
          } catch (err) {
            outcome = isLivingReportsError(err) ? err.code : `untyped ${String(err)}`;
          } finally {
            await store.close().catch(() => undefined);
          }
          const changed = logicalState(root) !== before;
          steps.push({
            step: op,
            verdict:
              outcome === "resolved"
                ? changed
                  ? "committed"
                  : "succeeded-without-change"
                : changed
                  ? "failed-but-committed"
                  : "refused",
            detail: outcome,
          });
          steps.push(await repairThenVerify(root));
        });
      }
      return steps;
    },
  };
}

/** Why `chattr +i` cannot be used on the temp dir (not root, a file system without it), or null. */
function immutableUnavailable(dir: string): string | null {
  const probe = nodePath.join(dir, "chattr-probe");
  fs.writeFileSync(probe, "");
  try {
    execFileSync("chattr", ["+i", probe], { stdio: "ignore" });
    execFileSync("chattr", ["-i", probe], { stdio: "ignore" });
    return null;
  } catch (err) {
    return `chattr +i unavailable here (${(err as Error).message.split("\n")[0]})`;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/**
 * An immutable `index.jsonl` (chattr +i: every open for writing and every rename onto it fails
 * EPERM): `create` and `rename` commit the outline and its event, so they must succeed (exit 0,
 * `create` printing the new id, a warning about the index on stderr), never exit 6 after
 * committing; once the file is mutable again `repair` rebuilds the index and `verify` is clean.
 */
export function indexImmutable(): FaultCase {
  return {
    name: "index.jsonl immutable (chattr +i): create and rename through the CLI",
    group: "store",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const argv of [
        ["create", "New"],
        ["rename", "ID", "Renamed"],
      ]) {
        await withStoreDir(async (root, id) => {
          const index = nodePath.join(root, "index.jsonl");
          const why = immutableUnavailable(root);
          if (why !== null) {
            steps.push({ step: `${argv[0]}: skipped`, verdict: "ok", detail: why });
            return;
          }
          execFileSync("chattr", ["+i", index]);
          const before = logicalState(root);
          let out: Awaited<ReturnType<typeof runCli>>;
          try {
            out = await runCli(root, forReport(argv, id));
          } finally {
            execFileSync("chattr", ["-i", index]);
          }
          const judged = judgeWrite(before, logicalState(root), out);
          const printedId = argv[0] !== "create" || /^[0-9a-f-]{36}$/m.test(out.stdout);
          steps.push({
            step: argv[0] ?? "",
            verdict: judged.verdict === "committed" && !printedId ? "wrong" : judged.verdict,
            detail: `${judged.detail}${printedId ? "" : " (no id printed)"}`,
          });
          steps.push(await repairThenVerify(root));
        });
      }
      return steps;
    },
  };
}
