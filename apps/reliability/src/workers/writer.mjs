// @ts-check
/**
 * A writer process of the reliability runs: opens the store at `root` over the BUILT packages and
 * performs mixed operations on shared reports until it has done `ops` of them (0: until killed).
 *
 * Usage: `node writer.mjs '<json config>'` (see {@link WriterConfig} in ../workerConfig.ts).
 *
 * Every operation gets a unique request id (`<name>-<n>`), recorded on its audit event, and is
 * journalled to `journal` with one `write(2)` per line: `start` before the store is called,
 * then `ack` once the call resolved (the store guarantees durability before resolving) or
 * `fail` with the error code. A line in the journal survives a SIGKILL of this process: the
 * kernel has it. The checker compares these lines with what an independent reader finds on disk.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { createLockManager, isLivingReportsError, openReports } from "@living-reports/core";
import { mulberry32 } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import { openLockLog } from "./lockLog.mjs";

/** @type {import("../workerConfig.ts").WriterConfig} */
const config = JSON.parse(process.argv[2] ?? "{}");
const journalFd = fs.openSync(config.journal, "a");
/** @param {Record<string, unknown>} line */
const journal = (line) => fs.writeSync(journalFd, `${JSON.stringify(line)}\n`);

const backend = nodeFsBackend({ root: config.root });
const lockLog =
  config.lockLog === undefined || config.marks === undefined
    ? undefined
    : openLockLog(config.lockLog, config.marks);
const store = await openReports(backend, {
  lock: config.lock,
  actor: "agent",
  // The store's lock manager, logged: every hold of this process is in the lock-holder log.
  ...(lockLog === undefined ? {} : { lockManager: (on) => lockLog.wrapLocks(createLockManager(on)) }),
});
const targets = [...config.reports];
let issued = 0;

/** The operations, by kind: each returns the report it touched and the version it committed. */
const OPS = {
  async create(/** @type {string} */ op) {
    const outline = await store.create({ title: `r ${op}`, tags: [op] }, { requestId: op });
    targets.push(outline.report_id);
    return outline;
  },
  async tag(/** @type {string} */ op, /** @type {string} */ id) {
    return store.tag(id, { add: [op] }, { requestId: op });
  },
  /** Read, modify, write back with an explicit expected version. */
  async updateExpected(/** @type {string} */ op, /** @type {string} */ id) {
    const o = await store.get(id);
    const next = { ...o, metadata: { ...o.metadata, [op]: true } };
    return store.update(next, { expectedVersion: o.outline_version, requestId: op });
  },
  /** Read, modify, write back relying on the outline's own `outline_version` (docs/CLI.md default). */
  async updateImplicit(/** @type {string} */ op, /** @type {string} */ id) {
    const o = await store.get(id);
    return store.update({ ...o, metadata: { ...o.metadata, [op]: true } }, { requestId: op });
  },
  /** Appends a section titled with the op's id. */
  async append(/** @type {string} */ op, /** @type {string} */ id) {
    const o = await store.get(id);
    const section = {
      section_id: randomUUID(),
      title: op,
      order: o.sections.length,
      insight_ids: [],
      content_format: /** @type {const} */ ("markdown"),
      metadata: {},
    };
    return store.update({ ...o, sections: [...o.sections, section] }, { requestId: op });
  },
};
/** @type {(keyof typeof OPS)[]} */
const KINDS = ["tag", "tag", "updateExpected", "updateImplicit", "append", "append", "create"];

/** @param {number} lane */
async function runLane(lane) {
  const random = mulberry32(config.seed * 977 + lane);
  while (config.ops === 0 || issued < config.ops) {
    const n = ++issued;
    const op = `${config.name}-${n}`;
    const kind = KINDS[Math.floor(random() * KINDS.length)] ?? "tag";
    const report = kind === "create" ? undefined : targets[Math.floor(random() * targets.length)];
    journal({ t: "start", op, kind, report });
    try {
      const outline = await OPS[kind](op, report ?? "");
      journal({ t: "ack", op, kind, report: outline.report_id, version: outline.outline_version });
    } catch (err) {
      const code = isLivingReportsError(err) ? err.code : "UNTYPED";
      journal({ t: "fail", op, kind, report, code, message: String(err) });
    }
  }
}

journal({ t: "open", pid: process.pid });
await Promise.all(Array.from({ length: config.inFlight }, (_, lane) => runLane(lane)));
await store.close();
journal({ t: "done" });
