import * as fs from "node:fs";
import { join } from "node:path";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { evolveEvent } from "../fixtures.js";
import type { Contender } from "../names.js";
import { prng } from "../stats.js";
import { replaceSync, syncDirSync } from "./replace.js";
import { entryOf, writeSyntheticStore } from "./syntheticStore.js";
import { sequential, type Trial } from "./trialContext.js";

/** Reports in the store of `index-update-10k`. */
const INDEX_REPORTS = 10_000;

/**
 * The trials of `index-update-10k`: renames of random reports in a store of 10,000, each a full
 * commit whose index update is the part that depends on the store's size.
 */
export const indexUpdateTrials: Partial<Record<Contender, Trial>> = {
  "living-reports": async (ctx) => {
    const { outlines } = writeSyntheticStore(ctx.dir, INDEX_REPORTS);
    const store = await openReports(nodeFsBackend({ root: ctx.dir }), { actor: "agent" });
    const random = prng(42);
    try {
      return await sequential(ctx, async (i) => {
        const target = outlines[Math.floor(random() * outlines.length)];
        if (target !== undefined) await store.rename(target.report_id, `Renamed ${i}`);
      });
    } finally {
      await store.close();
    }
  },
  "node-baseline-sync": async (ctx) => {
    const { outlines, entries } = writeSyntheticStore(ctx.dir, INDEX_REPORTS);
    const random = prng(42);
    const index = join(ctx.dir, "index.jsonl");
    return await sequential(ctx, (i) => {
      const n = Math.floor(random() * outlines.length);
      const outline = outlines[n];
      if (outline === undefined) return;
      const next = { ...outline, title: `Renamed ${i}`, updated_at: new Date().toISOString() };
      pythonServiceUpdate(ctx.dir, next, i);
      outlines[n] = next;
      entries[n] = entryOf(next);
      // The Python service's way (SPEC §9.8): the whole index rewritten from memory, durably.
      replaceSync(ctx.dir, index, Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join("")));
    });
  },
};

/** The trial of `rebuild-100k`: one full index rebuild over 100,000 reports. */
export const rebuildTrials: Partial<Record<Contender, Trial>> = {
  "living-reports": async (ctx) => {
    writeSyntheticStore(ctx.dir, 100_000);
    const store = await openReports(nodeFsBackend({ root: ctx.dir }), { actor: "agent" });
    try {
      return await sequential({ ...ctx, warmup: 0 }, async () => {
        await store.rebuildIndex();
      });
    } finally {
      await store.close();
    }
  },
};

/** The durable steps of one report update (backup link, replace, audit append), without lock. */
function pythonServiceUpdate(root: string, outline: { report_id: string }, i: number): void {
  const dir = join(root, "by_id", outline.report_id);
  const target = join(dir, "outline.json");
  const backups = join(dir, "backups");
  fs.linkSync(target, join(backups, `outline.json.${Date.now()}_${i}.bak`));
  syncDirSync(backups);
  replaceSync(dir, target, Buffer.from(JSON.stringify(outline, null, 2)));
  const fd = fs.openSync(join(dir, "audit.jsonl"), "a");
  try {
    fs.writeSync(fd, `${JSON.stringify(evolveEvent(outline.report_id, i + 2))}\n`);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
