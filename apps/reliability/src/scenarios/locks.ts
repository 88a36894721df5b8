import * as fs from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import type { LockOptions } from "@living-reports/core";
import { checkLockLog, type LockVerdict } from "../lockLogCheck.js";
import { type Child, sleep, startNode } from "../processes.js";
import { makeRunDir, removeRunDir } from "../runDir.js";

const LOCKER = fileURLToPath(new URL("../workers/locker.mjs", import.meta.url));
const LOCK: LockOptions = { timeoutMs: 120_000, staleMs: 10_000, refreshMs: 1_000 };

/** What a lock run found: the replayed log, and lockers that failed. */
export interface LockRunResult {
  locks: LockVerdict;
  failedLockers: string[];
}

/**
 * Hand-off and fairness: `processes` processes, each with `inFlight` concurrent waiters, take one
 * lock `times` times each. The log gives the hand-off times (in one process: handed over in
 * memory; across processes: rmdir, then the waiter's next mkdir retry) and how far any waiter
 * was overtaken; every waiter must be served (no LOCK_TIMEOUT), in-process waiters in FIFO order.
 */
export async function runContention(o: {
  processes: number;
  times: number;
  inFlight: number;
}): Promise<LockRunResult> {
  const run = makeRunDir("lr-rel-lock-");
  try {
    const lockers = Array.from({ length: o.processes }, (_, i) =>
      startLocker({ ...common(run), name: `l${i}`, mode: "contend", path: "contended.lock", ...o }),
    );
    return { failedLockers: await failures(lockers), locks: checkLockLog(run.lockLog) };
  } finally {
    removeRunDir(run);
  }
}

/**
 * Starvation across processes: process A takes one lock `times` times from two lanes, holding it
 * `holdMs` each time; once A is at work, process B asks for the lock once. Fair locking serves B
 * within a few of A's turns; the result's `maxOvertaken` is how many of A's acquisitions B saw.
 */
export async function runStarvation(o: { times: number; holdMs: number }): Promise<LockRunResult> {
  const run = makeRunDir("lr-rel-starve-");
  try {
    const base = { ...common(run), mode: "contend", path: "contended.lock" };
    const a = startLocker({ ...base, name: "a", times: o.times, inFlight: 2, holdMs: o.holdMs });
    while (!fs.existsSync(run.lockLog) || fs.readFileSync(run.lockLog, "utf8").split('"acq"').length < 3) {
      if (a.process.exitCode !== null) break;
      await sleep(2);
    }
    const b = startLocker({ ...base, name: "b", times: 1, inFlight: 1 });
    return { failedLockers: await failures([a, b]), locks: checkLockLog(run.lockLog) };
  } finally {
    removeRunDir(run);
  }
}

/**
 * The stale-reclaim race (G7, docs/LOCKS.md): for each of `rounds` rounds a stale lock is planted
 * (a lock directory with an mtime an hour old) and `processes` processes, released together by a
 * barrier, all find it stale and reclaim it at once. proper-lockfile's own reclaim
 * (stat → rmdir → mkdir) lets two of them win; the log must show no double hold, and every
 * process must get the lock once per round.
 */
export async function runReclaimRace(o: {
  processes: number;
  rounds: number;
}): Promise<LockRunResult & { holds: number }> {
  const run = makeRunDir("lr-rel-race-");
  const barrier = nodePath.join(run.base, "barrier");
  fs.mkdirSync(barrier);
  try {
    const old = new Date(Date.now() - 3_600_000);
    for (let r = 0; r < o.rounds; r++) {
      const lock = nodePath.join(run.root, `race-${r}.lock`);
      fs.mkdirSync(lock);
      fs.utimesSync(lock, old, old);
    }
    const lockers = Array.from({ length: o.processes }, (_, i) =>
      startLocker({ ...common(run), name: `l${i}`, mode: "race", rounds: o.rounds, barrier }),
    );
    for (let r = 0; r < o.rounds; r++) {
      while (fs.readdirSync(barrier).filter((n) => n.startsWith(`ready-${r}-`)).length < o.processes) {
        if (lockers.some((l) => l.process.exitCode !== null)) break;
        await sleep(2);
      }
      fs.writeFileSync(nodePath.join(barrier, `go-${r}`), "");
    }
    const failedLockers = await failures(lockers);
    const locks = checkLockLog(run.lockLog);
    return { failedLockers, locks, holds: locks.holds };
  } finally {
    removeRunDir(run);
  }
}

function common(run: ReturnType<typeof makeRunDir>) {
  return { root: run.root, lockLog: run.lockLog, marks: run.marks, lock: LOCK };
}

function startLocker(config: Record<string, unknown>): Child {
  return startNode(LOCKER, [JSON.stringify(config)]);
}

async function failures(lockers: Child[]): Promise<string[]> {
  const failed: string[] = [];
  for (const [i, l] of lockers.entries()) {
    const { code, signal } = await l.exited;
    if (code !== 0) failed.push(`locker ${i} exited ${code ?? signal}: ${l.stderr().slice(0, 1000)}`);
  }
  return failed;
}
