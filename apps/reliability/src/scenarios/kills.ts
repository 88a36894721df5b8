import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { LockOptions, RecoveryReport, VerifyReport } from "@living-reports/core";
import { mulberry32 } from "@living-reports/memfs";
import { checkStore, type StoreVerdict } from "../checkStore.js";
import { readJournals } from "../journal.js";
import { checkLockLog, type LockVerdict } from "../lockLogCheck.js";
import { type Child, killHard, sleep, startWriter, waitForJournal } from "../processes.js";
import { makeRunDir, openStore, type RunDir, removeRunDir, seedReports, verifyStore } from "../runDir.js";
import { readStore } from "../storeReader.js";
import type { JournalLine } from "../workerConfig.js";

/** Parameters of {@link runKills}. */
export interface KillOptions {
  /** Rounds; each starts `writers` writer processes and SIGKILLs every one of them. */
  rounds: number;
  writers: number;
  reports: number;
  seed: number;
  /** Each writer is killed at a random instant up to this long after it started working (ms). */
  maxLifeMs: number;
  /** Short staleness, so that abandoned locks are reclaimed quickly (proper-lockfile refreshes ≥ 1 s). */
  lock?: LockOptions;
}

/** What {@link runKills} found. */
export interface KillResult {
  kills: number;
  store: StoreVerdict;
  locks: LockVerdict;
  /** Tags written right after the last kills, one per report, by a fresh store: all must succeed. */
  postKillWrites: { ok: number; failed: string[] };
  /** What the recovering open (after the stale time) mended. */
  recovery: RecoveryReport;
  verify: VerifyReport;
  staleMs: number;
}

/** Lock options of the kill runs: stale after 3 s, refreshed every second. */
export const KILL_LOCK: Required<LockOptions> = { timeoutMs: 120_000, staleMs: 3_000, refreshMs: 1_000 };

/**
 * Issue 7.2: writers in child processes are SIGKILLed at seeded random instants, round after
 * round (each round's writers meet the locks and torn state the previous round left). Right after
 * the last kills a fresh store tags every report (a write must succeed without manual repair,
 * waiting at most for the stale time of abandoned locks); after the stale time a recovering
 * open mends what the crashed sessions left. Then the independent reader checks that every
 * operation acknowledged before a kill survives once and nothing torn is visible.
 */
export async function runKills(o: KillOptions): Promise<KillResult> {
  const lock = { ...KILL_LOCK, ...o.lock };
  const random = mulberry32(o.seed);
  const run = makeRunDir();
  try {
    const reports = await seedReports(run, o.reports);
    let kills = 0;
    for (let round = 0; round < o.rounds; round++) {
      const writers = Array.from({ length: o.writers }, (_, i) => {
        const name = `k${round}w${i}`;
        const child = startWriter({
          root: run.root,
          name,
          reports,
          ops: 0,
          seed: o.seed * 7919 + round * 31 + i,
          inFlight: 2,
          lock,
          journal: run.journal(name),
          lockLog: run.lockLog,
          marks: run.marks,
        });
        return { name, child };
      });
      kills += await killAtRandom(run, writers, random, o.maxLifeMs);
    }
    const postKillWrites = await writeAfterKills(run, lock);
    // Crashed sessions are recovered by the first open after their session locks went stale.
    await sleep(lock.staleMs + 500);
    const store = await openStore(run, { lock });
    const recovery = store.recovery;
    await store.close();
    return {
      kills,
      store: checkStore(readStore(run.root), readJournals(run.journals())),
      locks: checkLockLog(run.lockLog),
      postKillWrites,
      recovery,
      verify: await verifyStore(run),
      staleMs: lock.staleMs,
    };
  } finally {
    removeRunDir(run);
  }
}

/** Kills every writer at its own random instant once it is working; returns how many died by SIGKILL. */
async function killAtRandom(
  run: RunDir,
  writers: { name: string; child: Child }[],
  random: () => number,
  maxLifeMs: number,
): Promise<number> {
  const deaths = writers.map(async ({ name, child }) => {
    // Working: opened the store and journalled its first operation.
    await waitForJournal(run.journal(name), 2, child);
    await sleep(Math.floor(random() * maxLifeMs));
    await killHard(child, run.lockLog);
    const { signal } = await child.exited;
    if (signal !== "SIGKILL") throw new Error(`writer ${name} exited before its kill: ${child.stderr()}`);
  });
  await Promise.all(deaths);
  return writers.length;
}

/** Tags every report that has an outline, journalled as writer `post`. */
async function writeAfterKills(run: RunDir, lock: LockOptions): Promise<KillResult["postKillWrites"]> {
  const byId = nodePath.join(run.root, "by_id");
  const ids = fs.readdirSync(byId).filter((id) => fs.existsSync(nodePath.join(byId, id, "outline.json")));
  const lines: JournalLine[] = [];
  const failed: string[] = [];
  const store = await openStore(run, { lock });
  try {
    await Promise.all(
      ids.map(async (id, i) => {
        const op = `post-${i}`;
        lines.push({ t: "start", op, kind: "tag", report: id });
        try {
          const outline = await store.tag(id, { add: [op] }, { requestId: op });
          lines.push({ t: "ack", op, kind: "tag", report: id, version: outline.outline_version });
        } catch (err) {
          failed.push(`${id}: ${String(err)}`);
          lines.push({ t: "fail", op, kind: "tag", report: id, code: "POST_KILL", message: String(err) });
        }
      }),
    );
  } finally {
    await store.close();
    fs.writeFileSync(run.journal("post"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  }
  return { ok: ids.length - failed.length, failed };
}
