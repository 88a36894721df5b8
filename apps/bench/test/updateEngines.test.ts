import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UpdateEngine } from "../src/update/engine.js";
import { loadEngine } from "../src/update/engine.js";
import { loadLmdb, loadSqlite, unavailableNativePeers } from "../src/update/native.js";
import { GENESIS_HASH } from "../src/update/peerRecords.js";

// The peers must do the same logical work as the store: these check what each leaves behind.
const missing = unavailableNativePeers();
let dir = "";
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), "bench-engines-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Two reports, updated three times each, through one session of `engine`. */
async function exercise(engine: UpdateEngine): Promise<void> {
  await engine.prepare(dir);
  const s = await engine.open(dir);
  const a = await s.create();
  const b = await s.create();
  for (let i = 0; i < 3; i++) {
    await s.update(a, i);
    await s.update(b, 10 + i);
  }
  await s.close();
}

describe("update engines", () => {
  it("living-reports: each update is a store.update (version, backup, event, index entry)", async () => {
    await exercise(await loadEngine("living-reports"));
    const store = await openReports(nodeFsBackend({ root: dir }), { actor: "agent" });
    try {
      const entries = await store.list();
      expect(entries).toHaveLength(2);
      const titles = entries.map((e) => e.current_title).sort();
      expect(titles).toEqual(["Growth review 12", "Growth review 2"]);
      for (const e of entries) {
        expect((await store.get(e.report_id)).outline_version).toBe(4);
        expect(await store.history(e.report_id)).toHaveLength(4);
      }
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("node-baseline-sync: a backup link, the new outline, an event and an index line per update", async () => {
    await exercise(await loadEngine("node-baseline-sync"));
    const reports = fs.readdirSync(join(dir, "by_id"));
    expect(reports).toHaveLength(2);
    for (const id of reports) {
      const r = join(dir, "by_id", id);
      expect(fs.readdirSync(join(r, "backups"))).toHaveLength(3);
      expect(fs.readFileSync(join(r, "audit.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
      expect(JSON.parse(fs.readFileSync(join(r, "outline.json"), "utf8")).outline_version).toBe(4);
    }
    expect(fs.readFileSync(join(dir, "index.jsonl"), "utf8").trim().split("\n")).toHaveLength(6);
  });

  describe.runIf(!missing.has("better-sqlite3"))("SQLite (skipped when better-sqlite3 does not load)", () => {
    for (const contender of ["sqlite-wal-full", "sqlite-rollback-full"] as const) {
      it(`${contender}: versions kept, outline replaced, a chained audit row and an index row`, async () => {
        await exercise(await loadEngine(contender));
        const Database = loadSqlite();
        const db = new Database(join(dir, "reports.sqlite"));
        try {
          const mode = String(db.pragma("journal_mode", { simple: true }));
          expect(mode).toBe(contender === "sqlite-wal-full" ? "wal" : "delete");
          const count = (table: string) =>
            (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
          expect(count("versions")).toBe(6);
          expect(count("report_index")).toBe(2);
          const ids = db.prepare("SELECT id, version FROM reports").get() as { id: string; version: number };
          expect(ids.version).toBe(4);
          const audit = db
            .prepare("SELECT event, hash FROM audit WHERE report_id = ? ORDER BY seq")
            .all(ids.id) as { event: string; hash: string }[];
          expectChain(audit);
        } finally {
          db.close();
        }
      });
    }
  });

  describe.runIf(!missing.has("lmdb"))("LMDB (skipped when lmdb does not load)", () => {
    it("lmdb: versions kept, outline replaced, chained audit records and index entries", async () => {
      await exercise(await loadEngine("lmdb"));
      const db = loadLmdb()({ path: join(dir, "reports.lmdb") });
      try {
        const keys = (prefix: string) => [...db.getRange({ start: prefix, end: `${prefix}~` })];
        expect(keys("version/")).toHaveLength(6);
        expect(keys("index/")).toHaveLength(2);
        const reports = keys("report/");
        expect(reports).toHaveLength(2);
        for (const { key, value } of reports) {
          const id = String(key).slice("report/".length);
          expect(JSON.parse(String(value)).outline_version).toBe(4);
          const audit = keys(`audit/${id}/`).map((r) => r.value as { event: string; hash: string });
          expectChain(audit);
          expect(db.get(`head/${id}`)).toEqual({ seq: 3, hash: audit[2]?.hash });
        }
      } finally {
        await db.close();
      }
    });
  });
});

/** The audit records of one report, in order: each hash is SHA-256 of the previous hash and the event. */
function expectChain(records: readonly { event: string; hash: string }[]): void {
  expect(records).toHaveLength(3);
  let previous = GENESIS_HASH;
  for (const { event, hash } of records) {
    expect(hash).toBe(createHash("sha256").update(previous).update(event).digest("hex"));
    previous = hash;
  }
}
