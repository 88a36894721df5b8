import type { LockOptions, VerifyReport } from "@living-reports/core";
import { checkStore, type StoreVerdict } from "../checkStore.js";
import { readJournals } from "../journal.js";
import { checkLockLog, type LockVerdict } from "../lockLogCheck.js";
import { startWriter } from "../processes.js";
import { makeRunDir, removeRunDir, seedReports, verifyStore } from "../runDir.js";
import { readStore } from "../storeReader.js";

/** Parameters of {@link runConcurrency}. */
export interface ConcurrencyOptions {
  /** Writer processes (the issue asks for at least 4). */
  processes: number;
  /** Operations per process. */
  opsPerProcess: number;
  /** Shared reports created before the writers start. */
  reports: number;
  /** Operations each process keeps in flight on its one store. */
  inFlight: number;
  seed: number;
  /** Generous by default: a loaded machine must not turn into lock timeouts. */
  lock?: LockOptions;
}

/** What {@link runConcurrency} found. */
export interface ConcurrencyResult {
  store: StoreVerdict;
  locks: LockVerdict;
  verify: VerifyReport;
  /** Writers that did not exit 0 (with their stderr). */
  crashedWriters: string[];
}

/** Lock options of the runs: staleness far above any stall a loaded CI machine produces. */
export const RUN_LOCK: LockOptions = { timeoutMs: 120_000, staleMs: 10_000, refreshMs: 1_000 };

/**
 * Issue 7.1: `processes` writer processes each perform `opsPerProcess` mixed operations (creates,
 * tags, updates with an explicit and with the implicit expected version, section appends) on
 * shared reports and the shared index, all at once; then an independent reader checks the disk
 * against the writers' journals ({@link checkStore}), the lock-holder log is replayed
 * ({@link checkLockLog}), and the library's own `verify` runs read-only.
 */
export async function runConcurrency(o: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const run = makeRunDir();
  try {
    const reports = await seedReports(run, o.reports);
    const children = Array.from({ length: o.processes }, (_, i) =>
      startWriter({
        root: run.root,
        name: `w${i}`,
        reports,
        ops: o.opsPerProcess,
        seed: o.seed * 101 + i,
        inFlight: o.inFlight,
        lock: o.lock ?? RUN_LOCK,
        journal: run.journal(`w${i}`),
        lockLog: run.lockLog,
        marks: run.marks,
      }),
    );
    const crashedWriters: string[] = [];
    for (const [i, child] of children.entries()) {
      const { code, signal } = await child.exited;
      if (code !== 0) crashedWriters.push(`w${i} exited ${code ?? signal}: ${child.stderr().slice(0, 2000)}`);
    }
    const journals = readJournals(run.journals());
    return {
      store: checkStore(readStore(run.root), journals),
      locks: checkLockLog(run.lockLog),
      verify: await verifyStore(run),
      crashedWriters,
    };
  } finally {
    removeRunDir(run);
  }
}
