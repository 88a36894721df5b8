import { dirname, isTempName, openReports, sha256Hex } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { formatTrace } from "../trace/formatTrace.js";
import { recordTrace } from "../trace/recordTrace.js";
import type { TraceEvent } from "../trace/traceEvent.js";
import { text } from "./support/bytes.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** Calls that only look: they make nothing durable and are left out of the sequences. */
export const LOOKING: ReadonlySet<string> = new Set(["read", "readFile", "readdir", "stat"]);

const BACKUP_NAME = /^outline\.json\.\d{8}T\d{6}_\d{6}\.bak$/;

/** A lock file or one of its companions (`.lock`, `index.lock`, `<lock>.waiting`, reclaim guards). */
export function isLockPath(path: string): boolean {
  return path.split("/").some((segment) => /(^|\.)lock($|\.)/.test(segment));
}

/**
 * The durable call sequence of a trace, one `op path [-> to] [mode] [!CODE]` line per call: the
 * calls that change or sync something, in order, with ids, temp names and backup names replaced
 * by placeholders. Left out: looking calls, handles opened read-only (with their calls), and lock
 * files (the lock primitive's own protocol, which differs between backends and is pinned by the
 * lock tests). Consecutive writes on one handle count as one: a backend may take a write in
 * several calls.
 */
export function durableSequence(trace: readonly TraceEvent[], ids: readonly string[]): string[] {
  const readOnly = new Set<number>();
  const lines: string[] = [];
  let lastWriteHandle: number | undefined;
  const name = (path: string): string => {
    let out = path;
    for (const [i, id] of ids.entries()) out = out.split(id).join(`<id${i + 1}>`);
    return out
      .split("/")
      .map((segment) => (isTempName(segment) ? "<tmp>" : BACKUP_NAME.test(segment) ? "<backup>" : segment))
      .join("/");
  };
  for (const event of trace) {
    if (event.op === "open" && event.args.mode === "r" && event.handle !== undefined) {
      readOnly.add(event.handle);
    }
    if (LOOKING.has(event.op) || isLockPath(event.path)) continue;
    if (event.handle !== undefined && readOnly.has(event.handle)) continue;
    if (event.op === "write" && event.handle !== undefined && event.handle === lastWriteHandle) continue;
    lastWriteHandle = event.op === "write" ? event.handle : undefined;
    const to = event.args.to === undefined ? "" : ` -> ${name(event.args.to)}`;
    const mode = event.op === "open" ? ` ${event.args.mode}` : "";
    const failed = event.result === "ok" ? "" : ` !${event.result}`;
    lines.push(`${event.op} ${name(event.path)}${to}${mode}${failed}`);
  }
  return lines;
}

/**
 * The calls of the atomic replace of `target` in `trace`, as `op` lines: those on its temp file
 * (opened `wx` in the target's folder) from its open to its rename onto `target`, then the
 * directory sync after the rename. Fails the test when there is no such replace.
 */
function replaceOf(trace: readonly TraceEvent[], target: string): string[] {
  const rename = trace.findLastIndex((e) => e.op === "rename" && e.args.to === target && e.result === "ok");
  expect(rename, `no rename onto ${target}:\n${formatTrace(trace)}`).toBeGreaterThanOrEqual(0);
  const temp = trace[rename]!.path;
  const open = trace.findLastIndex((e, i) => i < rename && e.op === "open" && e.path === temp);
  const handle = trace[open]!.handle;
  const steps = trace
    .slice(open, rename)
    .filter((e) => e.handle === handle && e.handle !== undefined && !LOOKING.has(e.op))
    .map((e) => (e.op === "open" ? `open ${e.args.mode}` : e.op));
  const after = trace.slice(rename + 1).find((e) => !LOOKING.has(e.op));
  return [
    ...steps,
    "rename",
    after?.op === "syncDir" && after.path === dirname(target) ? "syncDir" : `then ${after?.op}`,
  ];
}

/** The steps of atomicReplace on `path`, as {@link durableSequence} shows them. */
function atomicReplaceOf(dir: string, file: string): string[] {
  return [
    `open ${dir}/<tmp> wx`,
    `write ${dir}/<tmp>`,
    `sync ${dir}/<tmp>`,
    `close ${dir}/<tmp>`,
    `rename ${dir}/<tmp> -> ${dir}/${file}`,
    `syncDir ${dir}`,
  ];
}

/** The steps of a materialisation on `path` (a temp written and renamed, nothing synced). */
function unsyncedReplaceOf(dir: string, file: string): string[] {
  return [
    `open ${dir}/<tmp> wx`,
    `write ${dir}/<tmp>`,
    `close ${dir}/<tmp>`,
    `rename ${dir}/<tmp> -> ${dir}/${file}`,
  ];
}

/**
 * Registers the commit-sequence tests for `target`: through the trace recorder, `create` and
 * `update` of an open store (its session already started by an earlier write) make exactly the
 * durable calls of the commit protocol (docs/DESIGN.md), in this order, on these paths. A change
 * to the protocol (a flush added, moved or dropped) must show up here and be deliberate.
 */
export function describeCommitSequence(target: ConformanceTarget): void {
  describe(titleOf(target, "store: commit sequence"), () => {
    it("create and update make exactly the durable calls of the protocol, in order", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true });
        try {
          // The first write of a session starts it (FORMAT, session lock): not part of a commit.
          await store.create({ title: "warm-up" });
          recording.clear();
          const created = await store.create({ title: "pinned" });
          const id = created.report_id;
          const dir = `by_id/<id1>`;
          const create = durableSequence(recording.trace, [id]);
          expect(create, formatTrace(recording.trace)).toEqual([
            // by_id/ exists already (the warm-up made it): the attempt fails, nothing to sync.
            "mkdir by_id !ALREADY_EXISTS",
            `mkdir ${dir}`,
            `mkdir ${dir}/backups`,
            `syncDir ${dir}`,
            "syncDir by_id",
            ...atomicReplaceOf(dir, "outline.json"),
            `open ${dir}/audit.jsonl a`,
            `write ${dir}/audit.jsonl`,
            `datasync ${dir}/audit.jsonl`,
            // The log's first append syncs its name into the folder.
            `syncDir ${dir}`,
            // The index line: appended without a flush (recovery rebuilds the index after a crash),
            // through the handle the warm-up's append kept open.
            "write index.jsonl",
          ]);

          recording.clear();
          await store.update({ ...created, title: "pinned, updated" });
          const update = durableSequence(recording.trace, [id]);
          // The log is the commit point: one write and one datasync (the log is open from the
          // create), then the files it vouches for, without a flush.
          const backup = root.backend.capabilities.hardLinks
            ? [`link ${dir}/outline.json -> ${dir}/backups/<backup>`]
            : unsyncedReplaceOf(`${dir}/backups`, "<backup>");
          expect(update, formatTrace(recording.trace)).toEqual([
            `write ${dir}/audit.jsonl`,
            `datasync ${dir}/audit.jsonl`,
            ...backup,
            ...unsyncedReplaceOf(dir, "outline.json"),
            "write index.jsonl",
          ]);

          // close() checkpoints: the backup's and the outline's data, then their folders.
          recording.clear();
          await store.close();
          const synced = recording.trace
            .filter(
              (e) => (e.op === "sync" || e.op === "syncDir") && e.result === "ok" && !isLockPath(e.path),
            )
            .map(
              (e) =>
                `${e.op} ${e.path
                  .split(id)
                  .join("<id1>")
                  .replace(/outline\.json\.\d{8}T\d{6}_\d{6}\.bak$/, "<backup>")}`,
            );
          // The files' syncs run together (their flushes may share a journal commit): any order.
          expect([...synced.slice(0, 2)].sort(), formatTrace(recording.trace)).toEqual([
            `sync ${dir}/backups/<backup>`,
            `sync ${dir}/outline.json`,
          ]);
          expect(synced.slice(2, 4), formatTrace(recording.trace)).toEqual([
            `syncDir ${dir}/backups`,
            `syncDir ${dir}`,
          ]);
        } finally {
          await store.close();
        }
      }));

    it("with strict: true, an update makes the four flushes of the strict protocol, in order", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true, strict: true });
        try {
          const created = await store.create({ title: "strict" });
          const id = created.report_id;
          const dir = `by_id/<id1>`;
          recording.clear();
          await store.update({ ...created, title: "strict, updated" });
          const update = durableSequence(recording.trace, [id]);
          const backup = root.backend.capabilities.hardLinks
            ? [`link ${dir}/outline.json -> ${dir}/backups/<backup>`, `syncDir ${dir}/backups`]
            : atomicReplaceOf(`${dir}/backups`, "<backup>");
          expect(update, formatTrace(recording.trace)).toEqual([
            ...backup,
            ...atomicReplaceOf(dir, "outline.json"),
            `write ${dir}/audit.jsonl`,
            `datasync ${dir}/audit.jsonl`,
            "write index.jsonl",
          ]);
          const history = await store.history(id);
          expect(history.map((e) => e.action_type)).toEqual(["create", "evolve"]);
          const raw = text(await root.backend.readFile(`by_id/${id}/audit.jsonl`));
          expect(raw.includes('"outline":'), "strict records do not carry the outline").toBe(false);
        } finally {
          await store.close();
        }
      }));

    it("commits in the same millisecond (a frozen clock) never make two events name one backup", () =>
      withRoot(target, async (root) => {
        const frozen = new Date("2026-03-01T09:00:00.123Z");
        const store = await openReports(root.backend, { create: true, now: () => frozen });
        try {
          let outline = await store.create({ title: "frozen" });
          for (let i = 1; i <= 3; i++) outline = await store.update({ ...outline, title: `frozen ${i}` });
          const history = await store.history(outline.report_id);
          const named = history
            .map((e) => e.payload.backup_filename)
            .filter((n): n is string => typeof n === "string");
          expect(named).toHaveLength(3);
          expect(new Set(named).size).toBe(3);
          // Each backup holds the outline committed by the event before the one that names it.
          for (const [i, event] of history.entries()) {
            const name = event.payload.backup_filename;
            if (typeof name !== "string") continue;
            const bytes = await root.backend.readFile(`by_id/${outline.report_id}/backups/${name}`);
            expect(sha256Hex(bytes)).toBe(history[i - 1]?.outline_sha256);
          }
          expect((await store.verify()).problems).toEqual([]);
        } finally {
          await store.close();
        }
      }));

    it("an index rebuild replaces index.jsonl atomically: temp synced before its rename, then the root synced", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true });
        try {
          await store.create({ title: "indexed" });
          recording.clear();
          await store.rebuildIndex();
          expect(replaceOf(recording.trace, "index.jsonl"), formatTrace(recording.trace)).toEqual([
            "open wx",
            "write",
            "sync",
            "close",
            "rename",
            "syncDir",
          ]);
        } finally {
          await store.close();
        }
      }));

    it("an index compaction (dead lines dominate) replaces index.jsonl without a flush, made durable by the clean close", () =>
      withRoot(target, async (root) => {
        const first = await openReports(root.backend, { create: true });
        const report = await first.create({ title: "compacted" });
        await first.close();
        // 150 dead lines for the one live report: the next append finds them dominating.
        const line = (await root.backend.readFile("index.jsonl")).slice();
        const handle = await root.backend.open("index.jsonl", "a");
        for (let i = 0; i < 150; i++) await handle.write(line);
        await handle.sync();
        await handle.close();
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend);
        let closed = false;
        try {
          recording.clear();
          await store.rename(report.report_id, "compacted, renamed");
          // Derived data, like the appends it replaces: no flush on the commit's path.
          const compaction = replaceOf(recording.trace, "index.jsonl");
          expect(compaction.slice(0, 4), formatTrace(recording.trace)).toEqual([
            "open wx",
            "write",
            "close",
            "rename",
          ]);
          expect(compaction[4]).not.toBe("syncDir");
          const lines = text(await root.backend.readFile("index.jsonl"))
            .trim()
            .split("\n");
          expect(lines).toHaveLength(1);
          // The clean close makes the compacted file and its name durable: its data, then the root.
          recording.clear();
          await store.close();
          closed = true;
          const trace = recording.trace;
          const data = trace.findIndex((e) => e.op === "datasync" && e.path === "index.jsonl");
          const name = trace.findIndex((e, i) => i > data && e.op === "syncDir" && e.path === "");
          expect(data, formatTrace(trace)).toBeGreaterThanOrEqual(0);
          expect(name, formatTrace(trace)).toBeGreaterThan(data);
        } finally {
          if (!closed) await store.close();
        }
      }));
  });
}
