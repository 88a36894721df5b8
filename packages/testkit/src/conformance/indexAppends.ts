import { type Outline, openReports, type ReportStore, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { formatTrace } from "../trace/formatTrace.js";
import { recordTrace } from "../trace/recordTrace.js";
import { anotherProcess } from "./support/anotherProcess.js";
import { text, utf8 } from "./support/bytes.js";
import { type GatePredicate, Interleaving } from "./support/interleaving.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

const INDEX = "index.jsonl";
const INDEX_LOCK = "index.lock";

/** The last complete line per report id of `index.jsonl` (docs/FORMAT.md), with the count of complete lines. */
async function foldIndex(backend: StorageBackend): Promise<{ titles: Map<string, string>; lines: number }> {
  const all = text(await backend.readFile(INDEX));
  const complete = all
    .slice(0, all.lastIndexOf("\n") + 1)
    .split("\n")
    .filter((l) => l !== "");
  const titles = new Map<string, string>();
  for (const line of complete) {
    const entry = JSON.parse(line) as { report_id: string; current_title: string };
    titles.set(entry.report_id, entry.current_title);
  }
  return { titles, lines: complete.length };
}

/** Every way to place `m` steps of one actor among `n` of another: sorted positions in 0..n. */
function placements(m: number, n: number): number[][] {
  if (m === 0) return [[]];
  const out: number[][] = [];
  for (const rest of placements(m - 1, n)) {
    const from = rest.at(-1) ?? 0;
    for (let p = from; p <= n; p++) out.push([...rest, p]);
  }
  return out;
}

/** What the replacing actor does in one run, and which of its calls are steps. */
interface Replacer {
  readonly kind: "compaction" | "rebuild";
  /** Starts the replacing work (on report `x` of store `store`). */
  run(store: ReportStore, x: Outline, round: number): Promise<unknown>;
}

const COMPACTION: Replacer = {
  kind: "compaction",
  // The rename's index line finds dead lines dominating: the append compacts the file.
  run: (store, x, round) => store.rename(x.report_id, `x ${round}`),
};

const REBUILD: Replacer = {
  kind: "rebuild",
  run: (store) => store.rebuildIndex(),
};

/**
 * The steps of the replacer (a compaction or rebuild under `index.lock`): taking the lock, its
 * looks while it holds it and has not replaced the file yet (a `stat` of `index.jsonl`, which
 * decides how much a refresh reads, a whole read of it, or the read of report `y`'s outline: a
 * rebuild's scan), the rename onto `index.jsonl`, and the release.
 */
function replacerSteps(y: () => string): GatePredicate {
  let holds = false;
  let renamed = false;
  let released = false;
  return (call) => {
    if (call.op === "mkdir" && call.path === INDEX_LOCK && !holds) {
      holds = true;
      return true;
    }
    if (!holds || released) return false;
    if (call.op === "rename" && call.to === INDEX) {
      renamed = true;
      return true;
    }
    if (call.op === "rmdir" && call.path === INDEX_LOCK && renamed) {
      released = true;
      return true;
    }
    if (renamed) return false;
    // A refresh's stat decides how much it reads; a read after it adds nothing.
    const reads = call.op === "stat" || call.op === "readFile";
    return reads && (call.path === INDEX || call.path === `by_id/${y()}/outline.json`);
  };
}

/**
 * The steps of the appender: (with `outline`) the rename of report `y`'s new outline into place,
 * then the lock-free append: `open index.jsonl a` (none when the store kept its handle from its
 * last append: the write comes first then, and the last step is left over), its write, and the
 * two checks that follow (`stat index.lock`, `stat index.jsonl`), or whatever calls on those
 * paths it makes instead.
 */
function appenderSteps(y: () => string, outline: boolean): GatePredicate {
  let started = !outline;
  let taken = 0;
  const cap = outline ? 5 : 4;
  return (call) => {
    if (taken >= cap) return false;
    if (!started) {
      if (call.op === "rename" && call.to === `by_id/${y()}/outline.json`) {
        started = true;
        taken++;
        return true;
      }
      return false;
    }
    const write = call.op === "write" && call.path === INDEX;
    const appendStart = (call.op === "open" && call.path === INDEX && call.mode === "a") || write;
    if (taken === (outline ? 1 : 0) && !appendStart) return false;
    const chosen =
      appendStart || write || (call.op === "stat" && (call.path === INDEX || call.path === INDEX_LOCK));
    if (chosen) taken++;
    return chosen;
  };
}

/**
 * Runs an update of report `y` in one process (store `b`) against a compaction or rebuild in
 * another (store `a`), at every interleaving of the update's steps among the replacer's; after
 * each, the file's last line per report and both stores' lists hold every acknowledged change.
 */
async function interleaveWithReplacer(root: TargetRoot, replacer: Replacer): Promise<number> {
  const scheduler = new Interleaving();
  const ids = { y: "" };
  let replacerGate: GatePredicate = () => false;
  let appenderGate: GatePredicate = () => false;
  const a = await openReports(
    scheduler.gated(root.backend, "replacer", (call) => replacerGate(call)),
    { create: true },
  );
  const b = await openReports(
    scheduler.gated(anotherProcess(root.another()), "appender", (call) => appenderGate(call)),
  );
  let runs = 0;
  try {
    let x = await a.create({ title: "x" });
    let y = await b.create({ title: "y" });
    ids.y = y.report_id;
    const withOutline = replacer.kind === "rebuild";
    const prepare = async () => {
      // Dead lines dominating: 150 copies of x's current line (the last one per report wins).
      const line = `${JSON.stringify({
        report_id: x.report_id,
        current_title: x.title,
        created_at: x.created_at,
        updated_at: x.updated_at,
        tags: [],
        status: "active",
        path: `by_id/${x.report_id}`,
      })}\n`;
      const handle = await root.backend.open(INDEX, "a");
      try {
        await handle.write(utf8(line.repeat(150)));
      } finally {
        await handle.close();
      }
      replacerGate = replacerSteps(() => ids.y);
      appenderGate = appenderSteps(() => ids.y, withOutline);
    };
    // A run of the replacer alone counts its steps.
    await prepare();
    scheduler.arm();
    const alone = replacer.run(a, x, 0);
    let steps = 0;
    while ((await scheduler.step("replacer", alone)) !== undefined) steps++;
    scheduler.release();
    const first = await alone;
    if (replacer.kind === "compaction") x = first as Outline;
    expect(steps, `${replacer.kind}: its steps under the index lock`).toBeGreaterThanOrEqual(3);
    for (const placement of placements(withOutline ? 5 : 4, steps)) {
      runs++;
      await prepare();
      scheduler.arm();
      const replacing = replacer.run(a, x, runs);
      const updating = b.update({ ...y, title: `y ${runs}` });
      const order: string[] = [];
      let done = 0;
      for (const at of placement) {
        for (; done < at; done++)
          order.push(`replacer: ${(await scheduler.step("replacer", replacing)) ?? "-"}`);
        order.push(`appender: ${(await scheduler.step("appender", updating)) ?? "-"}`);
      }
      scheduler.release();
      const [replaced, updated] = await Promise.all([replacing, updating]);
      if (replacer.kind === "compaction") x = replaced as Outline;
      y = updated;
      const why = `${replacer.kind}, steps in order:\n${order.join("\n")}`;
      const { titles, lines } = await foldIndex(root.backend);
      expect(titles.get(y.report_id), why).toBe(y.title);
      expect(titles.get(x.report_id), why).toBe(x.title);
      // The file was replaced in this run: far fewer lines than the 150 dead ones.
      expect(lines, why).toBeLessThan(20);
      for (const store of [a, b]) {
        const listed = new Map((await store.list()).map((e) => [e.report_id, e.current_title]));
        expect(listed.get(y.report_id), why).toBe(y.title);
        expect(listed.get(x.report_id), why).toBe(x.title);
      }
    }
    expect((await a.verify()).problems).toEqual([]);
  } finally {
    scheduler.release();
    await a.close();
    await b.close();
  }
  return runs;
}

/**
 * Registers the index-append tests for `target` (docs/LOCKS.md, "Index appends"): appends take no
 * lock, so writers of different reports never take turns on `index.lock`, and an append that
 * races a compaction or rebuild (which replace `index.jsonl` under that lock) is never lost,
 * whichever way their steps interleave.
 */
export function describeIndexAppends(target: ConformanceTarget): void {
  describe(titleOf(target, "store: index appends"), () => {
    it("store instances in two processes updating their reports at once never take index.lock", () =>
      withRoot(target, async (root) => {
        const here = recordTrace(root.backend);
        const there = recordTrace(anotherProcess(root.another()));
        const a = await openReports(here.backend, { create: true });
        const b = await openReports(there.backend);
        try {
          const outlines: Outline[] = [];
          for (let i = 0; i < 8; i++) outlines.push(await (i % 2 === 0 ? a : b).create({ title: `r${i}` }));
          const from = [here.trace.length, there.trace.length];
          for (let round = 0; round < 3; round++) {
            const next = await Promise.all(
              outlines.map((o, i) => (i % 2 === 0 ? a : b).update({ ...o, title: `r${i} round ${round}` })),
            );
            outlines.splice(0, outlines.length, ...next);
          }
          const taken = [...here.trace, ...there.trace].filter(
            (e) => e.path === INDEX_LOCK && e.op === "mkdir",
          );
          expect(taken.map((e) => `${e.op} ${e.path} ${e.result}`)).toEqual([]);
          // Nor do they read back each other's lines after each append: a view lagging by less
          // than 64 KiB is left for the next read (the lists below) to catch up.
          const readBack = [...here.trace.slice(from[0]), ...there.trace.slice(from[1])].filter(
            (e) => e.path === INDEX && (e.op === "readFile" || e.op === "read"),
          );
          expect(readBack.map((e) => `${e.op} ${e.path}`)).toEqual([]);
          const { titles } = await foldIndex(root.backend);
          for (const o of outlines) expect(titles.get(o.report_id)).toBe(o.title);
          for (const store of [a, b]) {
            const listed = new Map((await store.list()).map((e) => [e.report_id, e.current_title]));
            for (const o of outlines) expect(listed.get(o.report_id)).toBe(o.title);
          }
          expect((await a.verify()).problems).toEqual([]);
        } finally {
          await a.close();
          await b.close();
        }
      }));

    it("an update that finds index.lock held after its append waits for it to be let go, without taking it", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true });
        try {
          const created = await store.create({ title: "waits" });
          // Another process's compaction or rebuild holds the index lock for a moment.
          await root.backend.mkdir(INDEX_LOCK);
          recording.clear();
          let updated = false;
          const update = store.update({ ...created, title: "waited" }).then((o) => {
            updated = true;
            return o;
          });
          await new Promise((resolve) => setTimeout(resolve, 60));
          expect(updated, "the update returned while the index lock was held").toBe(false);
          await root.backend.rmdir(INDEX_LOCK);
          expect((await update).title).toBe("waited");
          const trace = recording.trace;
          const lockLooks = trace.filter((e) => e.path === INDEX_LOCK && e.op === "stat");
          expect(lockLooks.length, formatTrace(trace)).toBeGreaterThan(1);
          // Never taken (no step 5): one write of the line, and no lock of its own.
          expect(
            trace.filter((e) => e.path === INDEX_LOCK && e.op !== "stat"),
            formatTrace(trace),
          ).toEqual([]);
          expect(trace.filter((e) => e.path === INDEX && e.op === "write")).toHaveLength(1);
          expect((await foldIndex(root.backend)).titles.get(created.report_id)).toBe("waited");
        } finally {
          await store.close();
        }
      }));

    it(
      "an update racing a compaction in another process, at every interleaving of their steps, loses no index line",
      () =>
        withRoot(target, async (root) => {
          expect(await interleaveWithReplacer(root, COMPACTION)).toBeGreaterThan(30);
        }),
      300_000,
    );

    it(
      "an update racing a rebuild in another process, at every interleaving of their steps, loses no index line",
      () =>
        withRoot(target, async (root) => {
          expect(await interleaveWithReplacer(root, REBUILD)).toBeGreaterThan(30);
        }),
      300_000,
    );
  });
}
