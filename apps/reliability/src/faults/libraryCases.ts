/** Real-fault cases of the library API without the CLI: odd input, a `close()` that fails. */
import { isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { startNode } from "./cliProcess.js";
import type { FaultCase, StepResult } from "./faultCase.js";
import { withStoreDir } from "./storeDir.js";

/** Library input that used to be changed on the way in: refused with a typed error, or kept. */
export function libraryInput(): FaultCase {
  return {
    name: "library input: tags string, revert action id, uppercase UUID in resolve",
    group: "store",
    needsMount: false,
    run: () =>
      withStoreDir(async (root, id) => {
        const steps: StepResult[] = [];
        const store = await openReports(nodeFsBackend({ root }));
        const codeOf = (p: Promise<unknown>) =>
          p.then(
            (v) => `resolved ${JSON.stringify(v).slice(0, 80)}`,
            (e: unknown) => (isLivingReportsError(e) ? e.code : `untyped ${String(e)}`),
          );
        try {
          const tags = await codeOf(
            store.create({ title: "T", tags: "abc" as unknown as string[] }).then((o) => o.metadata.tags),
          );
          steps.push({
            step: 'create({ tags: "abc" })',
            verdict: tags === "INVALID_INPUT" ? "ok" : "wrong",
            detail: tags,
          });
          const revert = await codeOf(store.revert(id, "../x"));
          steps.push({
            step: 'revert(id, "../x")',
            verdict: revert === "INVALID_ID" ? "ok" : "wrong",
            detail: revert,
          });
          const resolved = await codeOf(store.resolve(id.toUpperCase()));
          steps.push({
            step: "resolve(UPPERCASE UUID)",
            verdict: resolved === "INVALID_ID" ? "ok" : "wrong",
            detail: resolved,
          });
        } finally {
          await store.close();
        }
        return steps;
      }),
  };
}

/**
 * A `close()` that fails (EROFS when removing the session lock) must still close the store's
 * files and stop its lock-refresh timers: the worker process then ends by itself. A leak keeps it
 * alive (a hang) or leaves FSReqCallback/Timeout resources.
 */
export function closeFailsEROFS(): FaultCase {
  return {
    name: "close() failing with EROFS releases files and timers",
    group: "store",
    needsMount: false,
    run: () =>
      withStoreDir(async (root, id) => {
        const script = new URL("../workers/closeFails.mjs", import.meta.url);
        const { code, stdout, stderr, ms, hung } = await startNode([script.pathname, root, id], 20_000).done;
        return [
          {
            step: "close() with the session lock's removal failing EROFS",
            verdict: hung
              ? "hang"
              : code === 0 && /"leakedFds":0\b/.test(stdout) && !/Timeout/.test(stdout)
                ? "ok"
                : "wrong",
            detail: `${hung ? "did not exit by itself" : `exit ${code}`} after ${ms} ms: ${stdout.trim()} ${stderr.trim().split("\n")[0] ?? ""}`,
          },
        ];
      }),
  };
}
