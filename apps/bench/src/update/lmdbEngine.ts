import { join } from "node:path";
import type { Outline } from "@living-reports/core";
import { outlineOfSize } from "../fixtures.js";
import type { UpdateEngine } from "./engine.js";
import { type LmdbDatabase, loadLmdb } from "./native.js";
import { GENESIS_HASH, updateRecords } from "./peerRecords.js";
import { OUTLINE_BYTES } from "./storeEngine.js";

interface Head {
  seq: number;
  hash: string;
}

/**
 * LMDB (npm `lmdb`, default options) doing the update in one transaction: the current outline
 * copied under a version key, the outline replaced, an audit record chained by SHA-256 to the
 * report's head, the head and the index entry written; then `await db.flushed`, the promise that
 * resolves once the commit is synced to disk (with lmdb-js's default `overlappingSync` the
 * transaction's own promise resolves at commit, before the sync).
 */
export function lmdbEngine(): UpdateEngine {
  const connect = (dir: string): LmdbDatabase => loadLmdb()({ path: join(dir, "reports.lmdb") });
  return {
    prepare: async (dir) => {
      await connect(dir).close();
    },
    open: async (dir) => {
      const db = connect(dir);
      const outlines: Outline[] = [];
      return {
        create: async () => {
          const outline = outlineOfSize(OUTLINE_BYTES);
          const id = outline.report_id;
          await db.transaction(() => {
            db.put(`report/${id}`, JSON.stringify(outline, null, 2));
            db.put(`head/${id}`, { seq: 0, hash: GENESIS_HASH } satisfies Head);
          });
          await db.flushed;
          return outlines.push(outline) - 1;
        },
        update: async (n, i) => {
          const previous = outlines[n];
          if (previous === undefined) throw new Error(`no report ${n} in this session`);
          const id = previous.report_id;
          let next: Outline = previous;
          await db.transaction(() => {
            const current = db.get(`report/${id}`);
            const head = db.get(`head/${id}`) as Head;
            const r = updateRecords(previous, i, head.hash);
            db.put(`version/${id}/${previous.outline_version}`, current);
            db.put(`report/${id}`, r.outlineJson);
            db.put(`audit/${id}/${head.seq + 1}`, { event: r.eventJson, hash: r.eventHash });
            db.put(`head/${id}`, { seq: head.seq + 1, hash: r.eventHash } satisfies Head);
            db.put(`index/${id}`, r.indexJson);
            next = r.outline;
          });
          await db.flushed;
          outlines[n] = next;
        },
        close: () => db.close(),
      };
    },
  };
}
