import * as fs from "node:fs";
import * as nodePath from "node:path";
import { describe, expect, it } from "vitest";
import { checkStore } from "../src/checkStore.js";
import { readJournals } from "../src/journal.js";
import { checkLockLog } from "../src/lockLogCheck.js";
import { makeRunDir, removeRunDir, seedReports } from "../src/runDir.js";
import { readStore } from "../src/storeReader.js";

// The checkers of the reliability runs must be able to fail: damage a clean store or log on
// purpose and they must say so.
describe("reliability checkers", () => {
  it("the store check passes a clean store and flags a lost event, a duplicated line and a stale index", async () => {
    const run = makeRunDir("lr-rel-check-");
    try {
      const [a, b] = await seedReports(run, 2);
      const check = () => checkStore(readStore(run.root), readJournals(run.journals()));
      expect(check()).toMatchObject({ acked: 2, lost: 0, duplicated: 0, problems: [] });

      const auditA = nodePath.join(run.root, "by_id", String(a), "audit.jsonl");
      const line = fs.readFileSync(auditA, "utf8");
      fs.writeFileSync(auditA, "");
      expect(check().lost).toBe(1);
      fs.writeFileSync(auditA, line + line);
      const dup = check();
      expect(dup.duplicated).toBeGreaterThan(0);
      expect(dup.problems.join("\n")).toMatch(/chain broken/);
      fs.writeFileSync(auditA, line);

      fs.appendFileSync(
        nodePath.join(run.root, "index.jsonl"),
        `${JSON.stringify({ report_id: b, current_title: "wrong", created_at: "", updated_at: "", tags: [], status: "active", path: `by_id/${b}` })}\n`,
      );
      expect(check().problems.join("\n")).toMatch(/index entry of/);
    } finally {
      removeRunDir(run);
    }
  });

  it("the lock-log check flags two holders at once, but not a reclaim after a kill", () => {
    const run = makeRunDir("lr-rel-check-");
    try {
      const rec = (e: string, pid: number, h: number) =>
        `${JSON.stringify({ e, pid, h, path: "x.lock", t: 0 })}\n`;
      fs.writeFileSync(
        run.lockLog,
        rec("req", 1, 1) + rec("acq", 1, 1) + rec("req", 2, 1) + rec("acq", 2, 1),
      );
      expect(checkLockLog(run.lockLog).doubleHolds).toBe(1);
      fs.writeFileSync(
        run.lockLog,
        rec("req", 1, 1) + rec("acq", 1, 1) + rec("req", 2, 1) + rec("kill", 1, 0) + rec("acq", 2, 1),
      );
      const v = checkLockLog(run.lockLog);
      expect(v.doubleHolds).toBe(0);
      expect(v.reclaimAfterKill).toHaveLength(1);
    } finally {
      removeRunDir(run);
    }
  });
});
