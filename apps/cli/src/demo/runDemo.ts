import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Actor,
  ErrorCode,
  LivingReportsError,
  type Outline,
  openReports,
  type RecoveryReport,
  type ReportStore,
  type VerifyProblem,
} from "@living-reports/core";
import { createMemfsDisk, type MemfsDisk, VirtualClock } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import { type AckCheck, AckLog } from "./ackLog.js";
import { copyStore } from "./copyStore.js";
import { insight, section, withSection } from "./demoContent.js";
import { type DemoPostgres, postgresPhase } from "./postgresPhase.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly actor: Actor;
  /** Seed of the simulated power loss (which volatile writes survive, where a write is torn). */
  readonly seed: number;
  /** Keep the temporary directory (to explore it with `--root`) instead of removing it. */
  readonly keep: boolean;
  /** Where to look for a PostgreSQL server (phase 7; see postgresPhase.ts). Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Verify's verdict, as the demo reports it. */
export interface DemoVerify {
  ok: boolean;
  problems: VerifyProblem[];
}

/** What the demo did and found. `ok` is true only if every verify passed and nothing acknowledged was lost. */
export interface DemoSummary {
  ok: boolean;
  /** The temporary directory (removed unless `keep`). */
  directory: string;
  kept: boolean;
  /** Totals of the recovered store: reports, sum of outline versions, audit events. */
  reports: number;
  versions: number;
  events: number;
  original: { root: string; verify: DemoVerify };
  crash: { mode: "torn"; seed: number; acknowledged: number; inFlight: string[] };
  /** Where each report that had a write in flight ended up: before or after that write (either is correct, G1). */
  inFlightOutcome: { report_id: string; title: string; outline_version: number }[];
  recovery: RecoveryReport;
  verify: DemoVerify;
  acknowledged: AckCheck & { survived: boolean };
  recovered: { root: string; verify: DemoVerify };
  /** Phase 7: the recovered store on PostgreSQL, shared by two app servers; or why it was skipped. */
  postgres: DemoPostgres;
}

/** Lock staleness the recovering store waits out before it treats the crashed session as dead. */
const STALE_WAIT_MS = 11_000;

async function verifyOf(store: ReportStore): Promise<DemoVerify> {
  const report = await store.verify();
  return { ok: report.ok, problems: report.problems };
}

/** Phase 1, on a real disk: reports created and evolved through every kind of change. */
async function evolveOnDisk(root: string, actor: Actor): Promise<DemoVerify> {
  const store = await openReports(nodeFsBackend({ root, create: true }), { create: true, actor });
  try {
    const churnInsights = [insight("Churn rose 2.1 points in Q3", 8), insight("Most churn is in month 2", 6)];
    const churn = await store.create({
      title: "Customer churn, Q3",
      tags: ["churn"],
      sections: [section("Overview", 0, "Churn by cohort and plan.", churnInsights)],
      insights: churnInsights,
    });
    const costs = await store.create({ title: "Warehouse costs", tags: ["cost", "draft"] });
    const funnel = await store.create({ title: "Onboarding funnel" });
    const drivers = [insight("Price change drove a third of it", 7)];
    await store.update(withSection(churn, "Drivers", "What moved churn.", drivers));
    await store.tag(costs.report_id, { add: ["q3"], remove: ["draft"] });
    await store.rename(funnel.report_id, "Onboarding funnel, EU");
    await store.archive(funnel.report_id);
    await store.fork(churn.report_id, "Customer churn, what-if");
    return await verifyOf(store);
  } finally {
    await store.close();
  }
}

/**
 * Phase 2, on a simulated disk holding a copy of the store: one update is acknowledged while a
 * rename of another report is in flight, and the power fails right then (torn writes).
 */
async function crashMidWrite(
  disk: MemfsDisk,
  actor: Actor,
  seed: number,
  acks: AckLog,
): Promise<{ crashed: MemfsDisk; inFlight: string[] }> {
  const store = await openReports(disk.backend(), { actor });
  const reports = await store.list({ status: "all" });
  for (const entry of reports) acks.ack(await store.get(entry.report_id));
  const byTitle = (title: string): string => {
    const entry = reports.find((e) => e.current_title === title);
    if (entry === undefined)
      throw new LivingReportsError(ErrorCode.NOT_FOUND, `demo: no report "${title}" in the copy`);
    return entry.report_id;
  };
  const evolving = byTitle("Warehouse costs");
  const renaming = byTitle("Customer churn, what-if");
  acks.ack(await store.tag(evolving, { add: ["reviewed"] }));
  const current = await store.get(evolving);
  let renamed: Outline | undefined;
  const inFlight = store.rename(renaming, "Customer churn, what-if (v2)").then((o) => {
    renamed = o;
    return o;
  });
  const update = store.update(
    withSection(current, "Next steps", "Renegotiate the Q4 lease.", [insight("Lease is 40% of cost", 6)]),
  );
  acks.ack(await update);
  const crashed = disk.crash({ mode: "torn", seed });
  // Whether the rename had resolved is decided now, at the crash, not once it settles later.
  const unacknowledged = renamed === undefined ? [renaming] : [];
  if (renamed === undefined) acks.inFlight(renaming);
  else acks.ack(renamed);
  // The old store lives on the old disk, which the crash left behind: let it finish and close.
  await inFlight.catch(() => undefined);
  await store.close().catch(() => undefined);
  return { crashed, inFlight: unacknowledged };
}

/**
 * Runs the demo: a store in a temporary directory on node-fs, created and evolved; a copy on
 * the memfs backend crashed by a simulated power loss in the middle of writes; recovery on
 * reopen; verification; a check that every acknowledged change survived; the recovered store
 * written back to a real disk and verified there; and, when a PostgreSQL server is reachable, the
 * recovered store shared by two app servers on it (skipped, saying why, otherwise).
 *
 * @throws LivingReportsError when a store operation fails (the demo expects none)
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const directory = await mkdtemp(join(tmpdir(), "living-reports-demo-"));
  try {
    const originalRoot = join(directory, "original");
    const originalVerify = await evolveOnDisk(originalRoot, options.actor);
    const clock = new VirtualClock();
    const disk = createMemfsDisk({ clock });
    await copyStore(nodeFsBackend({ root: originalRoot }), disk.backend());
    const acks = new AckLog();
    const { crashed, inFlight } = await crashMidWrite(disk, options.actor, options.seed, acks);
    // The crashed session's lock must go stale before a new session treats it as dead.
    await clock.advance(STALE_WAIT_MS);
    const store = await openReports(crashed.backend(), { actor: options.actor });
    let summary: Omit<DemoSummary, "recovered" | "ok" | "kept" | "directory" | "postgres">;
    try {
      const verify = await verifyOf(store);
      const check = await acks.check(store);
      const entries = await store.list({ status: "all" });
      let versions = 0;
      let events = 0;
      for (const entry of entries) {
        versions += (await store.get(entry.report_id)).outline_version;
        events += (await store.history(entry.report_id)).length;
      }
      const inFlightOutcome = [];
      for (const id of inFlight) {
        const outline = await store.get(id);
        inFlightOutcome.push({
          report_id: id,
          title: outline.title,
          outline_version: outline.outline_version,
        });
      }
      summary = {
        inFlightOutcome,
        reports: entries.length,
        versions,
        events,
        original: { root: originalRoot, verify: originalVerify },
        crash: { mode: "torn", seed: options.seed, acknowledged: check.checked, inFlight },
        recovery: store.recovery,
        verify,
        acknowledged: { ...check, survived: check.lost.length === 0 },
      };
    } finally {
      await store.close();
    }
    const recoveredRoot = join(directory, "recovered");
    await copyStore(crashed.backend(), nodeFsBackend({ root: recoveredRoot, create: true }));
    const onDisk = await openReports(nodeFsBackend({ root: recoveredRoot }), { readOnly: true });
    const recoveredVerify = await verifyOf(onDisk).finally(() => onDisk.close());
    const postgres = await postgresPhase(crashed.backend(), {
      actor: options.actor,
      keep: options.keep,
      env: options.env ?? process.env,
    });
    const ok =
      originalVerify.ok &&
      summary.verify.ok &&
      summary.acknowledged.survived &&
      recoveredVerify.ok &&
      (!postgres.ran || postgres.ok);
    return {
      ok,
      directory,
      kept: options.keep,
      ...summary,
      recovered: { root: recoveredRoot, verify: recoveredVerify },
      postgres,
    };
  } finally {
    if (!options.keep) await rm(directory, { recursive: true, force: true });
  }
}
