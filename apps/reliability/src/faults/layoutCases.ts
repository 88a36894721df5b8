import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { createLockManager, isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { injectFaults } from "@living-reports/testkit";
import { runCli, startCli } from "./cliProcess.js";
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

/** A fresh store on the ordinary temp dir, removed after `fn`. */
async function withStoreDir<T>(fn: (root: string, id: string) => Promise<T>): Promise<T> {
  const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), "lr-layout-"));
  try {
    const root = nodePath.join(base, "store");
    return await fn(root, await seedStore(root));
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

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
                : argv.map((a) => (a === "ID" ? id : a));
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
              detail: `exit ${out.code} in ${out.ms} ms ${typed ?? ""}`,
            });
          });
        }
      }
      return steps;
    },
  };
}

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
            const running = startCli(
              root,
              argv.map((a) => (a === "ID" ? id : a)),
              10_000,
            );
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
          const out = await runCli(
            root,
            argv.map((a) => (a === "ID" ? id : a)),
          );
          steps.push({ step: argv[0] ?? "", ...judgeWrite(before, logicalState(root), out) });
        });
      }
      return steps;
    },
  };
}

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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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
        const { spawn } = await import("node:child_process");
        const child = spawn(process.execPath, [script.pathname, root, id], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        const t0 = Date.now();
        const limit = 20_000;
        const code = await new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => child.kill("SIGKILL"), limit);
          child.on("close", (c) => {
            clearTimeout(timer);
            resolve(c);
          });
        });
        const ms = Date.now() - t0;
        const hung = ms >= limit;
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
            out = await runCli(
              root,
              argv.map((a) => (a === "ID" ? id : a)),
            );
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
