/** Real-fault cases: what a crash or a hand left in the store's layout (temp files, symlinks, a torn tail). */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { runCli } from "./cliProcess.js";
import { type FaultCase, repairThenVerify, type StepResult, typedError } from "./faultCase.js";
import { withStoreDir } from "./storeDir.js";

/** A crash while the index was rewritten leaves `index.jsonl.tmp-*`: repair must remove it. */
export function indexTempLeftover(): FaultCase {
  return {
    name: "index.jsonl.tmp-* left by a crash: repair removes it",
    group: "store",
    needsMount: false,
    run: () =>
      withStoreDir(async (root) => {
        fs.writeFileSync(nodePath.join(root, "index.jsonl.tmp-0123456789abcdef"), '{"report_id":');
        return [await repairThenVerify(root)];
      }),
  };
}

/**
 * `backups/` or `index.jsonl` replaced by a symlink: verify must list the problem (exit 1), not
 * give up with INVALID_PATH (exit 2); repair must not rewrite anything before refusing.
 */
export function symlinkedLayout(): FaultCase {
  return {
    name: "symlinked backups/ or index.jsonl: verify lists it, repair mends or reports",
    group: "store",
    needsMount: false,
    async run() {
      const steps: StepResult[] = [];
      for (const which of ["backups", "index.jsonl"] as const) {
        await withStoreDir(async (root, id) => {
          const target =
            which === "backups"
              ? nodePath.join(root, "by_id", id, "backups")
              : nodePath.join(root, "index.jsonl");
          const moved = `${target}.real`;
          fs.renameSync(target, moved);
          fs.symlinkSync(moved, target);
          const verify = await runCli(root, ["verify"]);
          steps.push({
            step: `${which} symlinked: verify`,
            verdict: verify.hung ? "hang" : verify.code === 1 ? "ok" : "wrong",
            detail: `exit ${verify.code} ${typedError(verify) ?? ""}`,
          });
          const repair = await runCli(root, ["repair"]);
          steps.push({
            step: `${which} symlinked: repair`,
            verdict: repair.hung ? "hang" : repair.code === 0 ? "ok" : "wrong",
            detail: `exit ${repair.code} ${typedError(repair) ?? ""}`,
          });
        });
      }
      return steps;
    },
  };
}

/**
 * A 100 MB unterminated last audit line (a torn append of a huge record): the next write may cut
 * it, but must report the cut in `recovery.mended` (never cut silently).
 */
export function hugeTornAuditTail(): FaultCase {
  return {
    name: "100 MB unterminated last audit line: cut and reported in mended",
    group: "store",
    needsMount: false,
    run: () =>
      withStoreDir(async (root, id) => {
        const audit = nodePath.join(root, "by_id", id, "audit.jsonl");
        const fd = fs.openSync(audit, "a");
        const chunk = Buffer.alloc(1 << 20, 0x78);
        fs.writeSync(fd, Buffer.from('{"action_id":"'));
        for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk);
        fs.closeSync(fd);
        const store = await openReports(nodeFsBackend({ root }));
        let mended = "";
        try {
          await store.tag(id, { add: ["after"] });
          mended = JSON.stringify(store.recovery.mended);
        } catch (err) {
          mended = `tag threw ${(err as { code?: string }).code}`;
        } finally {
          await store.close();
        }
        const size = fs.statSync(audit).size;
        const reported = /cut|torn|tail/i.test(mended);
        return [
          {
            step: "tag after the torn 100 MB tail",
            verdict: reported && size < 100 << 20 ? "ok" : "wrong",
            detail: `audit.jsonl now ${size} bytes; mended: ${mended.slice(0, 200)}`,
          },
        ];
      }),
  };
}
