import * as fs from "node:fs";
import { join } from "node:path";
import { type IndexEntry, isReportId, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { evolveEvent, outlineOfSize } from "../fixtures.js";
import type { Contender } from "../names.js";
import { prng } from "../stats.js";
import { replaceSync, syncDirSync } from "./replace.js";
import { sequential, type Trial, type TrialContext } from "./trialContext.js";

/** Reports in the store of `index-update-10k`. */
export const INDEX_REPORTS = 10_000;
/** Reports in the store of `rebuild-100k`. */
export const REBUILD_REPORTS = 100_000;

/**
 * The trials of `index-update-10k`: renames of random reports in a store of 10,000 (the shared
 * fixture), each a full commit whose index update is the part that depends on the store's size.
 */
export const indexUpdateTrials: Partial<Record<Contender, Trial>> = {
  "living-reports": async (ctx) => {
    const root = fixtureOf(ctx);
    const ids = reportIdsIn(root);
    const store = await openReports(nodeFsBackend({ root }), { actor: "agent" });
    const random = prng(ctx.ops);
    try {
      return await sequential(ctx, async (i) => {
        await store.rename(pick(ids, random), `Renamed ${i}`);
      });
    } finally {
      await store.close();
    }
  },
  "node-baseline-sync": async (ctx) => {
    // The Python service's way: the index held in memory and rewritten whole,
    // durably, on every change. It reads the shared fixture's index but writes only in its own
    // folder (one report stands for any: its steps cost the same), leaving the fixture to ours.
    const entries = new Map<string, IndexEntry>();
    for (const line of fs.readFileSync(join(fixtureOf(ctx), "index.jsonl"), "utf8").split("\n")) {
      if (line === "") continue;
      const entry = JSON.parse(line) as IndexEntry;
      entries.set(entry.report_id, entry);
    }
    const ids = [...entries.keys()];
    const index = join(ctx.dir, "index.jsonl");
    const report = join(ctx.dir, "report");
    fs.mkdirSync(join(report, "backups"), { recursive: true });
    fs.writeFileSync(join(report, "outline.json"), JSON.stringify(outlineOfSize(0), null, 2));
    const random = prng(ctx.ops);
    return await sequential(ctx, (i) => {
      const id = pick(ids, random);
      const entry = entries.get(id);
      if (entry === undefined) return;
      const next = { ...entry, current_title: `Renamed ${i}`, updated_at: new Date().toISOString() };
      bareReportUpdate(report, id, next.current_title, i);
      entries.set(id, next);
      const text = [...entries.values()].map((e) => `${JSON.stringify(e)}\n`).join("");
      replaceSync(ctx.dir, index, Buffer.from(text));
    });
  },
};

/** The trial of `rebuild-100k`: one full index rebuild over 100,000 reports (the shared fixture). */
export const rebuildTrials: Partial<Record<Contender, Trial>> = {
  "living-reports": async (ctx) => {
    const store = await openReports(nodeFsBackend({ root: fixtureOf(ctx) }), { actor: "agent" });
    try {
      return await sequential({ ...ctx, warmup: 0 }, async () => {
        await store.rebuildIndex();
      });
    } finally {
      await store.close();
    }
  },
};

function fixtureOf(ctx: TrialContext): string {
  if (ctx.fixture === undefined) throw new Error("this workload needs its store fixture");
  return ctx.fixture;
}

function reportIdsIn(root: string): string[] {
  return fs.readdirSync(join(root, "by_id")).filter(isReportId);
}

function pick(ids: readonly string[], random: () => number): string {
  return ids[Math.floor(random() * ids.length)] ?? "";
}

/** The durable steps of one report's update (backup link, replace, audit append), without lock. */
function bareReportUpdate(dir: string, id: string, title: string, i: number): void {
  const target = join(dir, "outline.json");
  const backups = join(dir, "backups");
  const outline = { ...(JSON.parse(fs.readFileSync(target, "utf8")) as object), title };
  fs.linkSync(target, join(backups, `outline.json.${Date.now()}_${i}.bak`));
  syncDirSync(backups);
  replaceSync(dir, target, Buffer.from(JSON.stringify(outline, null, 2)));
  const fd = fs.openSync(join(dir, "audit.jsonl"), "a");
  try {
    fs.writeSync(fd, `${JSON.stringify(evolveEvent(id, i + 2))}\n`);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
