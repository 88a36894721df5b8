import * as fs from "node:fs";

/** One record of the lock-holder log written by `workers/lockLog.mjs` (and `kill` by the harness). */
interface LogRecord {
  e: "req" | "acq" | "gaveup" | "rel" | "comp" | "double" | "kill";
  pid: number;
  h: number;
  path: string;
  /** Wall time in microseconds. */
  t: number;
}

/** What the lock-holder log shows. */
export interface LockVerdict {
  /** Acquisitions logged. */
  holds: number;
  /** Two live, uncompromised holders of one lock at once: must be 0. */
  doubleHolds: number;
  /** Holds that ended compromised (stalled past the stale time): fail-safe, not a violation. */
  compromised: number;
  /** Times (µs) from a release to the next waiter's acquisition, in one process / across processes. */
  handoffInProcess: number[];
  handoffCrossProcess: number[];
  /**
   * Times (µs) from the SIGKILL of a holder to the acquisition of its lock by a waiter that was
   * already waiting at the kill: how long an abandoned lock blocks (stale time + at most a refresh
   * interval, since staleness counts from the last refresh, and proper-lockfile may stamp the first
   * mtime up to 1 s ahead).
   */
  reclaimAfterKill: number[];
  /** Most acquisitions by others while one waiter waited (how far it was overtaken). */
  maxOvertaken: number;
  /** Waiters of one process served out of their arrival order (in-process FIFO): must be 0. */
  fifoViolations: number;
  problems: string[];
}

interface Holder {
  pid: number;
  h: number;
  compromised: boolean;
}

interface Waiter {
  pid: number;
  path: string;
  /** Position of its `req` in the log. */
  seq: number;
  /** Acquisitions of its lock logged before its `req`. */
  acqsBefore: number;
}

interface Release {
  pid: number;
  t: number;
  seq: number;
}

/**
 * Replays the lock-holder log in file order (the order of the `O_APPEND` writes, i.e. real order:
 * an `acq` is logged after the grant and a `rel` before the release). Per lock path there must
 * never be an `acq` while another holder is on record, unless that holder was compromised or
 * killed (a `kill` record, written by the harness before it sends SIGKILL) — the lock then was
 * reclaimed as stale, which is the design. A `double` record (the O_EXCL marker found held by a
 * live process) is a double hold too.
 */
export function checkLockLog(file: string): LockVerdict {
  const v: LockVerdict = {
    holds: 0,
    doubleHolds: 0,
    compromised: 0,
    handoffInProcess: [],
    handoffCrossProcess: [],
    reclaimAfterKill: [],
    maxOvertaken: 0,
    fifoViolations: 0,
    problems: [],
  };
  const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
  lines.pop();
  const holders = new Map<string, Holder>();
  const lastRelease = new Map<string, Release>();
  const waiters = new Map<string, Waiter>();
  const acqs = new Map<string, number>();
  const killed = new Map<number, { t: number; seq: number }>();
  let seq = 0;
  for (const text of lines) {
    const r = JSON.parse(text) as LogRecord;
    const key = `${r.pid}:${r.h}`;
    seq += 1;
    switch (r.e) {
      case "kill":
        killed.set(r.pid, { t: r.t, seq });
        break;
      case "req":
        waiters.set(key, { pid: r.pid, path: r.path, seq, acqsBefore: acqs.get(r.path) ?? 0 });
        break;
      case "gaveup":
        waiters.delete(key);
        break;
      case "double":
        v.doubleHolds += 1;
        v.problems.push(
          `${r.path}: ${key} found the holder marker of live pid ${String((r as { other?: number }).other)}`,
        );
        break;
      case "comp": {
        v.compromised += 1;
        const holder = holders.get(r.path);
        if (holder?.pid === r.pid && holder.h === r.h) holder.compromised = true;
        break;
      }
      case "rel": {
        const holder = holders.get(r.path);
        if (holder?.pid === r.pid && holder.h === r.h) {
          holders.delete(r.path);
          lastRelease.set(r.path, { pid: r.pid, t: r.t, seq });
        }
        break;
      }
      case "acq":
        onAcquire(r, key, { holders, lastRelease, waiters, acqs, killed }, v);
        break;
    }
  }
  return v;
}

function onAcquire(
  r: LogRecord,
  key: string,
  s: {
    holders: Map<string, Holder>;
    lastRelease: Map<string, Release>;
    waiters: Map<string, Waiter>;
    acqs: Map<string, number>;
    killed: Map<number, { t: number; seq: number }>;
  },
  v: LockVerdict,
): void {
  v.holds += 1;
  const holder = s.holders.get(r.path);
  const waiter = s.waiters.get(key);
  s.waiters.delete(key);
  const kill = holder === undefined ? undefined : s.killed.get(holder.pid);
  if (kill !== undefined) {
    if (waiter !== undefined && waiter.seq < kill.seq) v.reclaimAfterKill.push(r.t - kill.t);
  } else if (holder !== undefined && !holder.compromised) {
    v.doubleHolds += 1;
    v.problems.push(`${r.path}: ${key} acquired while ${holder.pid}:${holder.h} held it`);
  }
  s.holders.set(r.path, { pid: r.pid, h: r.h, compromised: false });
  const count = s.acqs.get(r.path) ?? 0;
  s.acqs.set(r.path, count + 1);
  if (waiter === undefined) return;
  v.maxOvertaken = Math.max(v.maxOvertaken, count - waiter.acqsBefore);
  // In-process FIFO: a waiter of this process that arrived earlier and still waits was overtaken.
  for (const other of s.waiters.values()) {
    if (other.pid === r.pid && other.path === r.path && other.seq < waiter.seq) v.fifoViolations += 1;
  }
  const last = s.lastRelease.get(r.path);
  // A hand-off: this waiter was already waiting when the previous holder released.
  if (last !== undefined && waiter.seq < last.seq) {
    (last.pid === r.pid ? v.handoffInProcess : v.handoffCrossProcess).push(r.t - last.t);
  }
}
