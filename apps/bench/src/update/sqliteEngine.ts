import { join } from "node:path";
import type { Outline } from "@living-reports/core";
import { outlineOfSize } from "../fixtures.js";
import type { UpdateEngine } from "./engine.js";
import { loadSqlite, type SqliteDatabase } from "./native.js";
import { GENESIS_HASH, updateRecords } from "./peerRecords.js";
import { OUTLINE_BYTES } from "./storeEngine.js";

/** `wal`: WAL journal; `delete`: SQLite's default rollback journal. Both with synchronous=FULL. */
export type SqliteJournal = "wal" | "delete";

const FILE = "reports.sqlite";
/** Writers of `update-8-processes` wait for SQLite's one write lock; never give up in a trial. */
const BUSY_TIMEOUT_MS = 120_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reports (id TEXT PRIMARY KEY, version INTEGER NOT NULL, outline TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (report_id TEXT NOT NULL, version INTEGER NOT NULL, outline TEXT NOT NULL,
  PRIMARY KEY (report_id, version));
CREATE TABLE IF NOT EXISTS audit (report_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
  hash TEXT NOT NULL, PRIMARY KEY (report_id, seq));
CREATE TABLE IF NOT EXISTS report_index (report_id TEXT PRIMARY KEY, entry TEXT NOT NULL);
`;

/**
 * SQLite (better-sqlite3) doing the update in one transaction: copy the current row into
 * `versions`, replace the outline, append an audit row chained by SHA-256 to the report's last
 * one (read in the transaction), upsert the index row. `synchronous=FULL`: the commit is durable
 * when the call returns (WAL: one fsync of the log; rollback journal: journal, database and
 * directory syncs).
 */
export function sqliteEngine(journal: SqliteJournal): UpdateEngine {
  const connect = (dir: string): SqliteDatabase => {
    const Database = loadSqlite();
    const db = new Database(join(dir, FILE), { timeout: BUSY_TIMEOUT_MS });
    db.pragma("synchronous = FULL");
    return db;
  };
  return {
    prepare: async (dir) => {
      const db = connect(dir);
      try {
        const mode = db.pragma(`journal_mode = ${journal.toUpperCase()}`, { simple: true });
        if (String(mode).toLowerCase() !== journal) throw new Error(`SQLite refused journal_mode ${journal}`);
        db.exec(SCHEMA);
      } finally {
        db.close();
      }
    },
    open: async (dir) => {
      const db = connect(dir);
      const insertReport = db.prepare("INSERT INTO reports (id, version, outline) VALUES (?, ?, ?)");
      const keepVersion = db.prepare(
        "INSERT INTO versions (report_id, version, outline) SELECT id, version, outline FROM reports WHERE id = ?",
      );
      const replace = db.prepare("UPDATE reports SET version = ?, outline = ? WHERE id = ?");
      const head = db.prepare("SELECT seq, hash FROM audit WHERE report_id = ? ORDER BY seq DESC LIMIT 1");
      const append = db.prepare("INSERT INTO audit (report_id, seq, event, hash) VALUES (?, ?, ?, ?)");
      const upsert = db.prepare(
        "INSERT INTO report_index (report_id, entry) VALUES (?, ?) ON CONFLICT (report_id) DO UPDATE SET entry = excluded.entry",
      );
      const outlines: Outline[] = [];
      const update = db.transaction((previous: Outline, i: number) => {
        const id = previous.report_id;
        keepVersion.run(id);
        const last = head.get(id) as { seq: number; hash: string } | undefined;
        const r = updateRecords(previous, i, last?.hash ?? GENESIS_HASH);
        replace.run(r.outline.outline_version, r.outlineJson, id);
        append.run(id, (last?.seq ?? 0) + 1, r.eventJson, r.eventHash);
        upsert.run(id, r.indexJson);
        return r.outline;
      });
      const create = db.transaction((outline: Outline) => {
        insertReport.run(outline.report_id, outline.outline_version, JSON.stringify(outline, null, 2));
      });
      return {
        create: async () => {
          const outline = outlineOfSize(OUTLINE_BYTES);
          create(outline);
          return outlines.push(outline) - 1;
        },
        update: async (n, i) => {
          const previous = outlines[n];
          if (previous === undefined) throw new Error(`no report ${n} in this session`);
          outlines[n] = update(previous, i);
        },
        close: async () => {
          db.close();
        },
      };
    },
  };
}
