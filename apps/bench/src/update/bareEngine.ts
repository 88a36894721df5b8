import * as fs from "node:fs";
import { join } from "node:path";
import type { Outline } from "@living-reports/core";
import { evolveEvent, outlineOfSize } from "../fixtures.js";
import { replaceSync, syncDirSync } from "../trials/replace.js";
import type { UpdateEngine } from "./engine.js";
import { OUTLINE_BYTES } from "./storeEngine.js";

interface BareReport {
  outline: Outline;
  dir: string;
  /** The report's audit log, open for appending. */
  audit: number;
}

/**
 * The bare hand-written durable update docs/BENCHMARKS.md#targets compares with (`node-baseline-sync`): no lock, no
 * validation, no recovery, no checksums; the same durable steps as the store: hard-link the
 * outline into `backups/` + fsync of `backups/`; temp write + fsync + rename + fsync of the report
 * folder; audit append + fdatasync; index append without fsync. Four flushes.
 */
export const bareEngine: UpdateEngine = {
  prepare: async (dir) => {
    fs.mkdirSync(join(dir, "by_id"), { recursive: true });
  },
  open: async (root) => {
    const index = fs.openSync(join(root, "index.jsonl"), "a");
    const reports: BareReport[] = [];
    return {
      create: async () => {
        const outline = outlineOfSize(OUTLINE_BYTES);
        const dir = join(root, "by_id", outline.report_id);
        fs.mkdirSync(join(dir, "backups"), { recursive: true });
        replaceSync(dir, join(dir, "outline.json"), Buffer.from(JSON.stringify(outline, null, 2)));
        const audit = fs.openSync(join(dir, "audit.jsonl"), "a");
        return reports.push({ outline, dir, audit }) - 1;
      },
      update: async (n, i) => {
        const report = reports[n];
        if (report === undefined) throw new Error(`no report ${n} in this session`);
        const { dir, outline } = report;
        const target = join(dir, "outline.json");
        const at = new Date();
        const next = {
          ...outline,
          title: `Growth review ${i}`,
          outline_version: outline.outline_version + 1,
          updated_at: at.toISOString(),
        };
        fs.linkSync(target, join(dir, "backups", `outline.json.${at.getTime()}_${i}.bak`));
        syncDirSync(join(dir, "backups"));
        replaceSync(dir, target, Buffer.from(JSON.stringify(next, null, 2)));
        fs.writeSync(report.audit, `${JSON.stringify(evolveEvent(next.report_id, next.outline_version))}\n`);
        fs.fdatasyncSync(report.audit);
        const entry = {
          report_id: next.report_id,
          current_title: next.title,
          created_at: next.created_at,
          updated_at: next.updated_at,
          tags: ["growth"],
          status: "active",
          path: `by_id/${next.report_id}`,
        };
        fs.writeSync(index, `${JSON.stringify(entry)}\n`);
        report.outline = next;
      },
      close: async () => {
        for (const r of reports) fs.closeSync(r.audit);
        fs.closeSync(index);
      },
    };
  },
};
