import { atomicReplace, type Outline, type StorageBackend, sha256Hex } from "@living-reports/core";
import type { Workload, WorkloadContext } from "../explorer/workload.js";
import { LONG_LEASE_MS } from "./leaseLostWorkload.js";
import { reportPaths } from "./reportPaths.js";
import { commitStep, type StoreEffect } from "./storeEffect.js";
import { openWorkloadStore, setupStore } from "./storeSetup.js";
import { baseline, section } from "./workloadSteps.js";

const encoder = new TextEncoder();

/**
 * A manual edit of `outline.json` between two commits of one lease (issue 11, G9). A store keeps
 * the report's lock across its commits (a long `leaseIdleMs`); after its first commit, a person
 * (or a script) rewrites `outline.json` directly through the backend, not the library: in place
 * without an fsync (`durable` false, as `fs.writeFileSync` does; a crash may lose or tear it), or
 * atomically and durably (temp, fsync, rename, directory fsync, as a careful editor saves). The
 * store then commits twice more under the same lease: the first of them must find the edit
 * under its lease, record it (`manual_edit_detected`, with a backup holding the edit's bytes)
 * and build on it. The store checker judges the edit step by its `edited` effect.
 */
export function manualEditWorkload(durable: boolean): Workload {
  return {
    name: durable ? "manual-edit-durable" : "manual-edit-in-place",
    description: `a manual edit of outline.json between two commits of one lease, ${durable ? "saved durably" : "written in place without fsync"}`,
    async setup(ctx) {
      await setupStore(ctx, ["Edited"]);
    },
    async run(ctx) {
      const store = await openWorkloadStore(ctx, ctx.backend, { leaseIdleMs: LONG_LEASE_MS });
      const [entry] = await store.list();
      if (entry === undefined) throw new Error("manual-edit: setup left no report");
      const id = entry.report_id;
      const current = await baseline(ctx, store, id);
      const updated = await commitStep(ctx, "update", "evolve", () =>
        store.update({ ...current, sections: [...current.sections, section("Findings", 1)] }),
      );
      const edited: Outline = { ...updated, title: "Edited by hand" };
      await editOutline(ctx, id, edited, durable);
      await commitStep(ctx, "tag after the edit", "tag_update", () => store.tag(id, { add: ["after-edit"] }));
      await commitStep(ctx, "rename after the edit", "rename", () => store.rename(id, "Edited, renamed"));
      await store.close();
    },
  };
}

/** Writes `outline` over the report's `outline.json` behind the library's back, as one step. */
function editOutline(ctx: WorkloadContext, id: string, outline: Outline, durable: boolean): Promise<void> {
  const text = `${JSON.stringify(outline, null, 2)}\n`;
  const bytes = encoder.encode(text);
  const effect: StoreEffect = {
    kind: "edited",
    reportId: id,
    outline,
    sha256: sha256Hex(bytes),
    text,
    durable,
  };
  return ctx.step(
    durable ? "manual edit, durable" : "manual edit, in place",
    () =>
      durable
        ? atomicReplace(ctx.backend, reportPaths.outline(id), bytes)
        : writeInPlace(ctx.backend, id, bytes),
    () => effect,
  );
}

/** Truncates and writes the file in place, no fsync: what most programs do. */
async function writeInPlace(backend: StorageBackend, id: string, bytes: Uint8Array): Promise<void> {
  const handle = await backend.open(reportPaths.outline(id), "w");
  try {
    await handle.write(bytes, 0);
  } finally {
    await handle.close();
  }
}
