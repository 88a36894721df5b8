import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "@living-reports/memfs";
import { type Child, killHard, startNode } from "../processes.js";
import { makeRunDir, type RunDir, removeRunDir } from "../runDir.js";

/** The CLI's lock stale time (docs/LOCKS.md default). */
const CLI_STALE_MS = 10_000;

/** The built CLI (`living-reports`), as `npm test` builds it before the tests. */
export const CLI_BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));

/** One run of the CLI to completion. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI on `run.root` with `args` and waits for it. */
export function cli(run: RunDir, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [CLI_BIN, "--root", run.root, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What {@link runCliKill} found. */
export interface CliKillResult {
  /** CLI processes killed while they held the report's lock (mid-write). */
  killedMidWrite: number;
  /** The CLI command run right after each kill (default lock options: it waits out the 10 s stale time). */
  after: CliRun[];
  /**
   * `verify` right after the last `after` command: it may still list the killed processes'
   * session locks as STALE_LOCK (exit 1): they are claimed by the next writing open.
   */
  verifyAfterKills: CliRun;
  /** `verify` after one more ordinary write: must be clean. */
  verify: CliRun;
  /** Tags the report carries at the end, and the tags acknowledged (exit 0) along the way. */
  finalTags: string[];
  ackedTags: string[];
}

/**
 * Issue 7 "done when": the CLI keeps working after kill -9 of another CLI process mid-write,
 * with no manual step. `kills` times: a CLI `tag` is SIGKILLed a seeded 0–3 ms after the
 * report's lock appears (so it dies holding it, mid-write), then a plain `tag` must exit 0.
 * Then one more ordinary `tag` (its open claims the crashed sessions, stale by then), after which
 * `verify` must exit 0 and every tag acknowledged (exit 0) must be there.
 */
export async function runCliKill(kills: number, seed: number): Promise<CliKillResult> {
  const random = mulberry32(seed);
  const run = makeRunDir("lr-rel-cli-");
  try {
    expectOk(cli(run, "init"));
    const created = expectOk(cli(run, "--json", "create", "cli kill target"));
    const id = (JSON.parse(created.stdout) as { report_id: string }).report_id;
    const ackedTags = ["before"];
    expectOk(cli(run, "tag", id, "--add", "before"));
    const lockDir = nodePath.join(run.root, "by_id", id, ".lock");
    let killedMidWrite = 0;
    let lastKillAt = 0;
    const after: CliRun[] = [];
    for (let i = 0; i < kills; i++) {
      const child = startNode(CLI_BIN, ["--root", run.root, "tag", id, "--add", `killed-${i}`]);
      if (await killWhenLocked(child, lockDir, Math.floor(random() * 4))) {
        killedMidWrite += 1;
        lastKillAt = Date.now();
      }
      // A command that finished before its kill acknowledged its tag.
      else if ((await child.exited).code === 0) ackedTags.push(`killed-${i}`);
      const next = cli(run, "tag", id, "--add", `after-${i}`);
      after.push(next);
      if (next.status === 0) ackedTags.push(`after-${i}`);
    }
    const verifyAfterKills = cli(run, "--json", "verify");
    // A writer recovers a crashed session once its lock is stale (docs/LOCKS.md: stale after 10 s by
    // default; proper-lockfile may stamp a lock up to 1 s ahead). The "one more ordinary write"
    // comes after that, so that it is the write that claims the killed processes' sessions.
    const staleAt = lastKillAt + CLI_STALE_MS + 1_500;
    if (Date.now() < staleAt) await new Promise((done) => setTimeout(done, staleAt - Date.now()));
    expectOk(cli(run, "tag", id, "--add", "final"));
    ackedTags.push("final");
    const verify = cli(run, "--json", "verify");
    const shown = JSON.parse(expectOk(cli(run, "--json", "show", id)).stdout) as {
      metadata: { tags?: string[] };
    };
    return {
      killedMidWrite,
      after,
      verifyAfterKills,
      verify,
      finalTags: shown.metadata.tags ?? [],
      ackedTags,
    };
  } finally {
    removeRunDir(run);
  }
}

/**
 * Polls (busy, for precision) until `lockDir` exists, then waits `delayMs` and SIGKILLs
 * `child`. Returns whether it was killed holding the lock; false if it exited first.
 */
async function killWhenLocked(child: Child, lockDir: string, delayMs: number): Promise<boolean> {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (!exited) {
    const until = Date.now() + 200;
    while (Date.now() < until && !fs.existsSync(lockDir)) {
      // Busy poll: the lock is held for milliseconds only.
    }
    if (fs.existsSync(lockDir)) {
      const at = Date.now() + delayMs;
      while (Date.now() < at) {
        // Busy wait: timers are too coarse for a kill inside the write.
      }
      await killHard(child);
      return true;
    }
    // Let the exit event be seen.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

function expectOk(r: CliRun): CliRun {
  if (r.status !== 0) throw new Error(`living-reports failed (${r.status}): ${r.stderr}`);
  return r;
}
