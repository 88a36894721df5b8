import * as fs from "node:fs";
import { join } from "node:path";
import { type Outline, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { evolveEvent, outlineOfSize } from "../fixtures.js";
import type { Contender } from "../names.js";
import { replaceSync, syncDirSync } from "./replace.js";
import { sequential, type Trial } from "./trialContext.js";

/** The size of the outline an update commits (an outline-sized JSON, as `replace-4k`). */
const OUTLINE_BYTES = 4096;

/** The trials of `update`: a full outline change (backup, outline, audit event, index line). */
export const updateTrials: Partial<Record<Contender, Trial>> = {
  "living-reports": async (ctx) => {
    const store = await openReports(nodeFsBackend({ root: ctx.dir }), { create: true, actor: "agent" });
    try {
      const seed = outlineOfSize(OUTLINE_BYTES);
      let outline: Outline = await store.create({
        title: seed.title,
        sections: seed.sections,
        insights: seed.insights,
        tags: ["growth"],
      });
      return await sequential(ctx, async (i) => {
        outline = await store.update({ ...outline, title: `Growth review ${i}` });
      });
    } finally {
      await store.close();
    }
  },
  "node-baseline-sync": async (ctx) => {
    const update = bareUpdate(ctx.dir);
    return await sequential(ctx, (i) => update(i));
  },
};

/**
 * The bare hand-written durable update SPEC §10 compares with: no lock, no validation, no
 * recovery, no checksums; the same durable steps as the store: hard-link the outline into
 * `backups/` + fsync of `backups/`; temp write + fsync + rename + fsync of the report folder;
 * audit append + fdatasync; index append without fsync.
 */
function bareUpdate(root: string): (i: number) => void {
  const outline = outlineOfSize(OUTLINE_BYTES);
  const id = outline.report_id;
  const dir = join(root, "by_id", id);
  const backups = join(dir, "backups");
  fs.mkdirSync(backups, { recursive: true });
  const target = join(dir, "outline.json");
  replaceSync(dir, target, Buffer.from(JSON.stringify(outline, null, 2)));
  const audit = fs.openSync(join(dir, "audit.jsonl"), "a");
  const index = fs.openSync(join(root, "index.jsonl"), "a");
  return (i) => {
    const at = new Date();
    const next = {
      ...outline,
      title: `Growth review ${i}`,
      outline_version: i + 2,
      updated_at: at.toISOString(),
    };
    fs.linkSync(target, join(backups, `outline.json.${at.getTime()}_${i}.bak`));
    syncDirSync(backups);
    replaceSync(dir, target, Buffer.from(JSON.stringify(next, null, 2)));
    fs.writeSync(audit, `${JSON.stringify(evolveEvent(id, next.outline_version))}\n`);
    fs.fdatasyncSync(audit);
    const entry = {
      report_id: id,
      current_title: next.title,
      created_at: next.created_at,
      updated_at: next.updated_at,
      tags: ["growth"],
      status: "active",
      path: `by_id/${id}`,
    };
    fs.writeSync(index, `${JSON.stringify(entry)}\n`);
  };
}
