import type { CrashChecker, Workload, WorkloadContext } from "../explorer/workload.js";
import { storeChecker } from "./storeChecker.js";
import { commitStep, deleteStep } from "./storeEffect.js";
import { between, openWorkloadStore, setupStore } from "./storeSetup.js";
import { baseline, section } from "./workloadSteps.js";

/** A workload and the checker that judges its crash states. */
export interface CheckedWorkload {
  readonly workload: Workload;
  readonly checker: CrashChecker;
}

/** Backups kept by the evolve workload's store, so that pruning is explored too. */
export const EVOLVE_RETENTION = 3;

/** Creates reports one after another in a new store (create: folders, outline, log, index). */
export const createWorkload: Workload = {
  name: "create",
  description: "creates 2-3 reports in an empty store, then closes it",
  async setup(ctx) {
    await setupStore(ctx, []);
  },
  async run(ctx) {
    const store = await openWorkloadStore(ctx, ctx.backend);
    const count = between(ctx.rand, 2, 3);
    for (let i = 0; i < count; i++) {
      await commitStep(ctx, `create #${i}`, "create", () =>
        store.create({ title: `Report ${i}`, tags: [`t${i}`], sections: [section("Intro", 0)] }),
      );
    }
    await store.close();
  },
};

/** Evolves one report: update, rename, tag, archive, revert, with backups pruned beyond 3. */
export const evolveWorkload: Workload = evolveBy(false);

/** {@link evolveWorkload} by the strict protocol (`strict: true`: every file durable at acknowledgement). */
export const evolveStrictWorkload: Workload = evolveBy(true);

function evolveBy(strict: boolean): Workload {
  return {
    name: strict ? "evolve-strict" : "evolve",
    description: `update, rename, tag, archive and revert one report, backups pruned beyond 3${strict ? ", strict protocol" : ""}`,
    async setup(ctx) {
      await setupStore(ctx, ["Evolving"], { strict });
    },
    async run(ctx) {
      const store = await openWorkloadStore(ctx, ctx.backend, { backupRetention: EVOLVE_RETENTION, strict });
      const [entry] = await store.list();
      if (entry === undefined) throw new Error("evolve: setup left no report");
      const id = entry.report_id;
      const current = await baseline(ctx, store, id);
      await commitStep(ctx, "update", "evolve", () =>
        store.update({ ...current, sections: [...current.sections, section("Findings", 1)] }),
      );
      await commitStep(ctx, "rename", "rename", () => store.rename(id, `Evolved ${between(ctx.rand, 1, 9)}`));
      await commitStep(ctx, "tag", "tag_update", () => store.tag(id, { add: ["hot"], remove: ["seed"] }));
      const renamed = (await store.history(id)).find((e) => e.action_type === "rename");
      if (ctx.rand() < 0.5) await commitStep(ctx, "archive", "archive", () => store.archive(id));
      if (renamed !== undefined) {
        await commitStep(ctx, "revert rename", "revert", () => store.revert(id, renamed.action_id));
      }
      await store.close();
    },
  };
}

/** Two processes commit to one report and to a second one at the same time (lock hand-off, group commit). */
export const concurrentAuditWorkload: Workload = {
  name: "concurrent-audit",
  description: "two processes tag one report concurrently, and a third op runs on another report",
  async setup(ctx) {
    await setupStore(ctx, ["Shared", "Other"]);
  },
  async run(ctx) {
    const a = await openWorkloadStore(ctx, ctx.backend);
    const b = await openWorkloadStore(ctx, ctx.another());
    const [shared, other] = (await a.list({ sort: "title" })).map((e) => e.report_id).reverse();
    if (shared === undefined || other === undefined) throw new Error("concurrent-audit: setup incomplete");
    await baseline(ctx, a, shared);
    await baseline(ctx, a, other);
    const ops = between(ctx.rand, 2, 3);
    await Promise.all([
      ...Array.from({ length: ops }, (_, i) =>
        commitStep(ctx, `tag a${i}`, "tag_update", () => a.tag(shared, { add: [`a${i}`] })),
      ),
      ...Array.from({ length: ops }, (_, i) =>
        commitStep(ctx, `tag b${i}`, "tag_update", () => b.tag(shared, { add: [`b${i}`] })),
      ),
      commitStep(ctx, "rename other", "rename", () => b.rename(other, "Other, renamed")),
    ]);
    await Promise.all([a.close(), b.close()]);
  },
};

/** Index changes across reports from two processes: create, rename, archive, delete, restore. */
export const indexChangesWorkload: Workload = {
  name: "index",
  description: "two processes create, rename, archive, delete and restore reports concurrently",
  async setup(ctx) {
    await setupStore(ctx, ["First", "Second"]);
  },
  async run(ctx: WorkloadContext) {
    const a = await openWorkloadStore(ctx, ctx.backend);
    const b = await openWorkloadStore(ctx, ctx.another());
    const ids = (await a.list({ sort: "title" })).map((e) => e.report_id);
    const [first, second] = ids;
    if (first === undefined || second === undefined) throw new Error("index: setup incomplete");
    await baseline(ctx, a, first);
    await baseline(ctx, a, second);
    await Promise.all([
      commitStep(ctx, "a creates", "create", () => a.create({ title: "Third", tags: ["new"] })),
      commitStep(ctx, "b renames first", "rename", () => b.rename(first, "First, renamed")),
      commitStep(ctx, "b archives second", "archive", () => b.archive(second)),
    ]);
    await deleteStep(ctx, "a deletes first", () => a.delete(first));
    if (ctx.rand() < 0.5) {
      await commitStep(ctx, "b restores first", undefined, () => b.trashRestore(first));
    }
    await Promise.all([a.close(), b.close()]);
  },
};

/** The standard workloads of `crashcheck` and CI, each with the store checker. */
export function standardWorkloads(): CheckedWorkload[] {
  return [
    { workload: createWorkload, checker: storeChecker() },
    { workload: evolveWorkload, checker: storeChecker({ backupRetention: EVOLVE_RETENTION }) },
    { workload: evolveStrictWorkload, checker: storeChecker({ backupRetention: EVOLVE_RETENTION }) },
    { workload: concurrentAuditWorkload, checker: storeChecker() },
    { workload: indexChangesWorkload, checker: storeChecker() },
  ];
}
