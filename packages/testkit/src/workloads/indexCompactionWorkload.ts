import type { ReportStore, StorageBackend } from "@living-reports/core";
import type { SetupContext, Workload } from "../explorer/workload.js";
import { DelegatingBackend } from "../support/delegatingBackend.js";
import { reportPaths } from "./reportPaths.js";
import { commitStep } from "./storeEffect.js";
import { openWorkloadStore, setupStore } from "./storeSetup.js";
import { baseline } from "./workloadSteps.js";

/** Reports updated by the compaction workload. */
export const COMPACTION_REPORTS = 6;

/**
 * Superseded lines the index holds after setup: the store compacts `index.jsonl` once its dead
 * lines exceed 2 × live + 100 (packages/core/src/store/index/reportIndex.ts), so with 6 reports
 * the third append of the run compacts, amid the others.
 */
const DEAD_AFTER_SETUP = 2 * COMPACTION_REPORTS + 100 - 2;

/**
 * Updates of many reports from two stores while the index is compacted (issue 11), a clean close
 * of both; then a third store rebuilds the index (`rebuildIndex()`), commits once more, and
 * closes cleanly: crash states inside the compaction's temp-file-and-rename, between the appends
 * of two stores, and after a compaction or a rebuild followed by a clean close, whose index the
 * next open trusts without rebuilding it (G5).
 */
export const indexCompactionWorkload: Workload = {
  name: "index-compaction",
  description:
    "two stores update 6 reports while the index is compacted, close; a rebuild, a commit, a clean close",
  async setup(ctx) {
    const titles = Array.from({ length: COMPACTION_REPORTS }, (_, i) => `Report ${i}`);
    const ids = await setupStore(ctx, titles);
    await supersede(ctx, ids);
  },
  async run(ctx) {
    // Kept locks (the default leases): the two stores hand the index lock to each other.
    const compactions = new IndexReplacements(ctx.backend);
    const a = await openWorkloadStore(ctx, compactions);
    const b = await openWorkloadStore(ctx, new IndexReplacements(ctx.another(), compactions));
    const ids = (await a.list({ sort: "title" })).map((e) => e.report_id);
    if (ids.length !== COMPACTION_REPORTS) throw new Error("index-compaction: setup incomplete");
    for (const id of ids) await baseline(ctx, a, id);
    const half = COMPACTION_REPORTS / 2;
    await Promise.all([updates(a, "a", ids.slice(0, half)), updates(b, "b", ids.slice(half))]);
    if (compactions.count === 0) throw new Error("index-compaction: the index was never compacted");
    await Promise.all([a.close(), b.close()]);
    const c = await openWorkloadStore(ctx, ctx.backend);
    await ctx.step("c rebuilds the index", () => c.rebuildIndex());
    const first = ids[0] ?? "";
    await commitStep(ctx, "c renames after the rebuild", "rename", () => c.rename(first, "Rebuilt"));
    await c.close();

    /** Two rounds over `mine`: a tag, then a rename, each its own step. */
    async function updates(store: ReportStore, who: string, mine: readonly string[]): Promise<void> {
      for (const id of mine) {
        await commitStep(ctx, `${who} tags ${id.slice(0, 8)}`, "tag_update", () =>
          store.tag(id, { add: [who] }),
        );
      }
      for (const id of mine) {
        await commitStep(ctx, `${who} renames ${id.slice(0, 8)}`, "rename", () =>
          store.rename(id, `Renamed by ${who}`),
        );
      }
    }
  },
};

/** A backend that counts the renames onto `index.jsonl` (compactions, rebuilds), shared by two stores. */
class IndexReplacements extends DelegatingBackend {
  #count = 0;

  constructor(
    inner: StorageBackend,
    private readonly shared?: IndexReplacements,
  ) {
    super(inner);
  }

  get count(): number {
    return this.#count;
  }

  override async rename(from: string, to: string): Promise<void> {
    await super.rename(from, to);
    if (to === reportPaths.index) (this.shared ?? this).#count += 1;
  }
}

/**
 * Fills the index with superseded lines, as a long history of updates leaves it: the lines of
 * the library's own appends, appended again, until {@link DEAD_AFTER_SETUP} are dead. (Making
 * them by 110 updates per round would cost more than the run explored.)
 */
async function supersede(ctx: SetupContext, ids: readonly string[]): Promise<void> {
  const text = new TextDecoder().decode(await ctx.backend.readFile(reportPaths.index));
  const lines = text.split("\n").filter((line) => line !== "");
  if (lines.length !== ids.length)
    throw new Error(`index-compaction: setup left ${lines.length} index lines`);
  const extra = Array.from({ length: DEAD_AFTER_SETUP }, (_, i) => lines[i % lines.length]).join("\n");
  const handle = await ctx.backend.open(reportPaths.index, "a");
  try {
    await handle.write(new TextEncoder().encode(`${extra}\n`));
    await handle.sync();
  } finally {
    await handle.close();
  }
}
