import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Clock, openReports, VerifyCode, type VerifyProblem, verifyStore } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { recordTrace } from "../trace/recordTrace.js";
import { loadTree } from "../util/loadTree.js";
import { diffTrees, snapshotTree } from "../util/treeSnapshot.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/**
 * The stores the Python module wrote, with `clean.json`/`crashed.json`: the copy shipped in this
 * package (`fixtures/legacy-python`, made when it is packed), else the repository's
 * `test-fixtures/legacy-python` (from `src/conformance` or `dist/conformance` alike). Looked up
 * at call time, not when the package loads, so a test that mocks `node:fs` (the memfs facade)
 * can import the testkit before its mock is ready.
 */
export function legacyFixturesDir(): string {
  const shipped = fileURLToPath(new URL("../../fixtures/legacy-python", import.meta.url));
  const inRepository = fileURLToPath(new URL("../../../../test-fixtures/legacy-python", import.meta.url));
  return [shipped, inRepository].find((dir) => existsSync(join(dir, "crashed.json"))) ?? shipped;
}

/** A fixture's `<name>.json`: its reports by title, and the damage it carries. */
export interface LegacyFixture {
  reports: Record<string, string>;
  damage: { kind: string; report_id: string; action_id?: string; what: string }[];
}

/** Reads `<fixturesDir>/<name>.json`. */
export function readFixture(fixturesDir: string, name: "clean" | "crashed"): LegacyFixture {
  return JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), "utf8")) as LegacyFixture;
}

/**
 * The problem verify must report for each kind of damage a fixture lists: its code, file and
 * line, the line found in the fixture's own bytes (the torn tail is the last line; the glued
 * record is on the line holding its action id).
 */
function expectedProblem(
  fixturesDir: string,
  damage: LegacyFixture["damage"][number],
): Pick<VerifyProblem, "code" | "file"> & { line?: number } {
  const dir = `by_id/${damage.report_id}`;
  const auditLines = () => readFileSync(join(fixturesDir, "crashed", dir, "audit.jsonl"), "utf8").split("\n");
  switch (damage.kind) {
    case "torn_audit_tail":
      return { code: VerifyCode.AUDIT_TORN_TAIL, file: `${dir}/audit.jsonl`, line: auditLines().length };
    case "glued_audit_line": {
      const line =
        auditLines().findIndex((l) => damage.action_id !== undefined && l.includes(damage.action_id)) + 1;
      return { code: VerifyCode.AUDIT_GLUED_RECORD, file: `${dir}/audit.jsonl`, line };
    }
    case "stale_lock_file":
      return { code: VerifyCode.STALE_LOCK, file: `${dir}/.lock` };
    case "orphan_temp":
      return { code: VerifyCode.ORPHAN_TEMP, file: `${dir}/outline.tmp` };
    default:
      throw new Error(`crashed.json lists damage of an unknown kind: ${damage.kind}`);
  }
}

/**
 * Registers the legacy-store tests for `target`: the stores the Python module wrote
 * (`<fixturesDir>/clean`, `<fixturesDir>/crashed`, usually `test-fixtures/legacy-python`), copied
 * into a fresh root through the backend with {@link loadTree} (the stale `.lock` aged), must
 * verify exactly as their `<name>.json` says, read-only; and, once the store exists, read fully
 * and repair cleanly (see `legacyStore.ts`).
 */
export function describeLegacyStores(
  target: ConformanceTarget,
  fixturesDir: string = legacyFixturesDir(),
): void {
  const missing = !existsSync(join(fixturesDir, "crashed.json"));
  const title = missing
    ? `legacy stores written by the Python module (SKIPPED: no fixtures at ${fixturesDir})`
    : "legacy stores written by the Python module";
  describe.skipIf(missing)(titleOf(target, title), () => {
    it("clean: verifies with no problems", () =>
      withRoot(target, async (root) => {
        await loadTree(root.backend, join(fixturesDir, "clean"));
        const result = await verifyStore(root.backend);
        expect(result.problems).toEqual([]);
        expect(result).toMatchObject({
          ok: true,
          reports: Object.keys(readFixture(fixturesDir, "clean").reports).length,
        });
      }));

    it("crashed: verify reports exactly the damage crashed.json lists, by report, file and line", () =>
      withRoot(target, async (root) => {
        await loadTree(root.backend, join(fixturesDir, "crashed"));
        const fixture = readFixture(fixturesDir, "crashed");
        const result = await verifyStore(root.backend);
        const expected = fixture.damage.map((d) => ({
          report_id: d.report_id,
          line: undefined,
          ...expectedProblem(fixturesDir, d),
        }));
        const found = result.problems.map(({ code, report_id, file, line }) => ({
          code,
          report_id,
          file,
          line,
        }));
        expect(sortProblems(found)).toEqual(sortProblems(expected));
        expect(result.ok).toBe(false);
        const glued = fixture.damage.find((d) => d.kind === "glued_audit_line");
        const gluedProblem = result.problems.find((p) => p.code === VerifyCode.AUDIT_GLUED_RECORD);
        expect(gluedProblem?.message).toContain(glued?.action_id);
      }));

    it("crashed: a .lock refreshed within the stale time is a live holder, not a problem", () =>
      withRoot(target, async (root) => {
        const now = Date.now();
        await loadTree(root.backend, join(fixturesDir, "crashed"), { lockMtimeMs: now - 1_000 });
        const result = await verifyStore(root.backend, { now: () => now, staleMs: 60_000 });
        expect(result.problems.map((p) => p.code)).not.toContain(VerifyCode.STALE_LOCK);
        expect(result.problems).toHaveLength(readFixture(fixturesDir, "crashed").damage.length - 1);
      }));

    it("verify only looks (stat, readdir, readFile) and leaves the tree byte-identical", () =>
      withRoot(target, async (root) => {
        await loadTree(root.backend, join(fixturesDir, "crashed"));
        const before = await snapshotTree(root.backend);
        const { backend, trace } = recordTrace(root.backend);
        await verifyStore(backend);
        await verifyStore(backend, { reportId: readFixture(fixturesDir, "crashed").damage[0]!.report_id });
        expect(diffTrees(before, await snapshotTree(root.backend))).toEqual([]);
        expect([...new Set(trace.map((e) => e.op))].sort()).toEqual(["readFile", "readdir", "stat"]);
      }));
  });
  describeLegacyStoreReads(target, fixturesDir);
}

function describeLegacyStoreReads(target: ConformanceTarget, fixturesDir: string): void {
  const skipped = !existsSync(join(fixturesDir, "crashed.json"));
  const title = skipped
    ? `legacy stores through the store (skipped: no fixtures at ${fixturesDir})`
    : "legacy stores through the store";
  describe.skipIf(skipped)(titleOf(target, title), () => {
    it("clean: lists and reads every report as the Python index says, and writes nothing", () =>
      withRoot(target, async (root) => {
        await loadTree(root.backend, join(fixturesDir, "clean"));
        const before = await snapshotTree(root.backend);
        const store = await openReports(root.backend);
        try {
          const indexed = readIndexLines(join(fixturesDir, "clean", "index.jsonl"));
          const listed = await store.list({ status: "all" });
          expect(listed.map((e) => e.report_id).sort()).toEqual([...indexed.keys()].sort());
          for (const [id, entry] of indexed) {
            const outline = await store.get(id);
            expect(outline.title).toBe(entry.current_title);
            expect(outline.metadata.tags ?? []).toEqual(entry.tags);
            expect(listed.find((e) => e.report_id === id)).toMatchObject({
              current_title: entry.current_title,
              tags: entry.tags,
              status: entry.status,
            });
            const events = await store.history(id);
            const lines = readFileSync(join(fixturesDir, "clean", "by_id", id, "audit.jsonl"), "utf8")
              .trimEnd()
              .split("\n");
            expect(events.map((e) => e.action_id)).toEqual(
              lines.map((l) => (JSON.parse(l) as { action_id: string }).action_id),
            );
            for (const event of events) {
              const name = event.payload.backup_filename;
              if (typeof name === "string") await root.backend.stat(`by_id/${id}/backups/${name}`);
            }
          }
        } finally {
          await store.close();
        }
        expect(diffTrees(before, await snapshotTree(root.backend))).toEqual([]);
      }));

    it("crashed: after open + repair, verifies clean; the glued record is kept and the torn one gone", () =>
      withRoot(target, async (root) => {
        await loadTree(root.backend, join(fixturesDir, "crashed"));
        const fixture = readFixture(fixturesDir, "crashed");
        const clock = lockClockOf(root);
        const store = await openReports(root.backend, clock === undefined ? {} : { clock });
        try {
          const repaired = await store.repair();
          // Repair verifies while the store holds its session lock; whether that lock looks fresh
          // depends on judging it by the clock the locks run on, known for wall-clock backends
          // and for targets that expose their virtual clock.
          if (clock !== undefined || root.crash === undefined) expect(repaired.unresolved).toEqual([]);
          const glued = fixture.damage.find((d) => d.kind === "glued_audit_line")!;
          expect((await store.history(glued.report_id)).map((e) => e.action_id)).toContain(glued.action_id);
          const torn = fixture.damage.find((d) => d.kind === "torn_audit_tail")!;
          const tornLines = readFileSync(
            join(fixturesDir, "crashed", "by_id", torn.report_id, "audit.jsonl"),
            "utf8",
          ).split("\n");
          expect((await store.history(torn.report_id)).length).toBe(tornLines.length - 1);
        } finally {
          await store.close();
        }
        // Closed: no lock is held any more, so this verdict does not depend on any clock.
        const result = await verifyStore(root.backend);
        expect(result.problems).toEqual([]);
      }));
  });
}

/** The lock clock of a target root, when the target exposes one (a `clock` member, e.g. memfs's virtual clock). */
function lockClockOf(root: TargetRoot): Clock | undefined {
  const clock = (root as TargetRoot & { clock?: unknown }).clock;
  return typeof clock === "object" && clock !== null && "now" in clock ? (clock as Clock) : undefined;
}

/** The Python index, folded: the last line per report wins. */
function readIndexLines(
  path: string,
): Map<string, { current_title: string; tags: string[]; status: string }> {
  const out = new Map<string, { current_title: string; tags: string[]; status: string }>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as {
      report_id: string;
      current_title: string;
      tags: string[];
      status: string;
    };
    out.set(entry.report_id, entry);
  }
  return out;
}

function sortProblems<T extends { code: string; report_id?: string | undefined }>(list: T[]): T[] {
  return [...list].sort((a, b) => `${a.code}${a.report_id}`.localeCompare(`${b.code}${b.report_id}`));
}
