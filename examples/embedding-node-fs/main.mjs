// A small "analytics agent" that keeps one living report on a real disk and evolves it run after
// run. Usage: node main.mjs [STORE_DIR]   (default: a temporary directory, removed at the end)
//
// What it shows: opening (and creating) a store on node-fs, creating a report, evolving it with
// optimistic concurrency, reading its history, verifying the store, and closing it cleanly.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode, isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";

const given = process.argv[2];
const root = given ?? mkdtempSync(join(tmpdir(), "living-reports-example-"));

// `create: true` on the backend makes the directory; on openReports, the store layout in it.
// Opening also recovers whatever a crashed earlier run left behind (see store.recovery).
const store = await openReports(nodeFsBackend({ root, create: true }), { create: true, actor: "agent" });
try {
  const [existing] = await store.list({ tags: ["weekly-churn"] });
  const report =
    existing === undefined
      ? await store.create({ title: "Weekly churn", tags: ["weekly-churn"] })
      : await store.get(existing.report_id);

  // Evolve: add this run's finding as an insight in a section. `update` takes the whole outline;
  // the outline's own outline_version is the expected one, so a concurrent change is never lost.
  const insightId = randomUUID();
  const finding = {
    insight_id: insightId,
    importance: 7,
    summary: `Churn sample at ${new Date().toISOString()}: 4.2% (synthetic)`,
    citations: [{ source: "observation", description: "example run" }],
  };
  const [section] = report.sections;
  const sections =
    section === undefined
      ? [{ section_id: randomUUID(), title: "Findings", order: 0, insight_ids: [insightId] }]
      : [{ ...section, insight_ids: [...section.insight_ids, insightId] }, ...report.sections.slice(1)];
  const evolved = await store.update({ ...report, sections, insights: [...report.insights, finding] });
  console.log(`report ${evolved.report_id} is at version ${evolved.outline_version}`);

  // A writer holding an old copy fails with VERSION_CONFLICT, and nothing is written.
  try {
    await store.update({ ...report, title: "A stale edit" });
    throw new Error("a stale update was accepted");
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.VERSION_CONFLICT)) throw err;
    console.log(`stale update refused: ${err.code}`);
  }

  const history = await store.history(evolved.report_id);
  console.log(`history: ${history.map((event) => event.action_type).join(", ")}`);

  const check = await store.verify();
  if (!check.ok) throw new Error(`verify found problems: ${JSON.stringify(check.problems)}`);
  console.log(`verified ${check.reports} report(s): ok`);
} finally {
  // Releases the locks and records a clean shutdown (the next open then skips recovery).
  await store.close();
  if (given === undefined) rmSync(root, { recursive: true, force: true });
}
