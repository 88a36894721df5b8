import type { FileHandle, OpenMode, StorageBackend, VerifyReport } from "@living-reports/core";
import { DelegatingBackend, isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { startWriter } from "../processes.js";
import { makeRunDir, removeRunDir, seedReports, verifyStore } from "../runDir.js";
import { readStore } from "../storeReader.js";

/** What {@link runStall} found. */
export interface StallResult {
  /** The error code the stalled operation failed with (LOCK_COMPROMISED is the fail-safe). */
  stalledCode: string;
  /** Whether the stalled operation's event or tag reached the disk (must not). */
  stalledWrote: boolean;
  /** Operations the competitor acknowledged, and whether all of them are on disk. */
  competitorAcked: number;
  competitorOnDisk: boolean;
  competitorExit: number | null;
  verify: VerifyReport;
  auditProblems: string[];
}

const LOCK = { timeoutMs: 120_000, staleMs: 2_500, refreshMs: 1_000 };

/**
 * Issue 7.3, a compromised lock: a store's `tag` takes the report lock, then stalls past the
 * stale time — its refreshes held back by the lock manager's `beforeRefresh` hook (no SIGSTOP),
 * the operation itself held as it opens the audit log for its append, before its commit point
 * (the log is the commit point: docs/DESIGN.md). A competitor process finds the lock stale,
 * reclaims it and commits. When the stall ends the stalled operation must fail (LOCK_COMPROMISED)
 * without writing its commit, and the store must verify clean with the competitor's work intact.
 */
export async function runStall(): Promise<StallResult> {
  const run = makeRunDir("lr-rel-stall-");
  let release = () => {};
  const stall = new Promise<void>((resolve) => {
    release = resolve;
  });
  let stalled = false;
  let reachedLink = () => {};
  const atLink = new Promise<void>((resolve) => {
    reachedLink = resolve;
  });
  try {
    const [id] = await seedReports(run, 1);
    if (id === undefined) throw new Error("no report seeded");
    const inner = nodeFsBackend({
      root: run.root,
      locks: { hooks: { beforeRefresh: () => (stalled ? stall : undefined) } },
    });
    const backend = gateFirstAuditAppend(inner, async () => {
      stalled = true;
      reachedLink();
      await stall;
    });
    const store = await openReports(backend, { lock: LOCK });
    const op = store.tag(id, { add: ["stalled"] }, { requestId: "stalled-1" }).then(
      () => "RESOLVED",
      (err: unknown) => (isLivingReportsError(err) ? err.code : String(err)),
    );
    await atLink;
    const competitor = startWriter({
      root: run.root,
      name: "c",
      reports: [id],
      ops: 3,
      seed: 1,
      inFlight: 1,
      lock: LOCK,
      journal: run.journal("c"),
    });
    const { code: competitorExit } = await competitor.exited;
    release();
    const stalledCode = await op;
    await store.close().catch(() => undefined);
    const disk = readStore(run.root);
    const report = disk.reports.get(id);
    const events = report?.events ?? [];
    const tags = report?.outline?.metadata.tags;
    const acked = events.filter((e) => e.request_id?.startsWith("c-") === true).length;
    return {
      stalledCode,
      stalledWrote:
        events.some((e) => e.request_id === "stalled-1") || (Array.isArray(tags) && tags.includes("stalled")),
      competitorAcked: acked,
      competitorOnDisk: acked === 3,
      competitorExit,
      verify: await verifyStore(run),
      auditProblems: report === undefined ? ["report missing"] : report.auditProblems,
    };
  } finally {
    release();
    removeRunDir(run);
  }
}

/** `inner`, except that its first opening of an audit log for appending awaits `gate` first. */
function gateFirstAuditAppend(inner: StorageBackend, gate: () => Promise<void>): StorageBackend {
  let gated = false;
  return new (class extends DelegatingBackend {
    override async open(path: string, mode: OpenMode): Promise<FileHandle> {
      if (!gated && mode === "a" && path.endsWith("/audit.jsonl")) {
        gated = true;
        await gate();
      }
      return await super.open(path, mode);
    }
  })(inner);
}
