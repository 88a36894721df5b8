import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLockManager, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { describe, expect, it } from "vitest";
import { ok, runCli, storeCli, tempDir } from "./helpers/runCli.js";
import type { Created, ErrorDoc, IndexEntryDoc, Summary, VerifyDoc } from "./helpers/shapes.js";
import { treeSnapshot } from "./helpers/treeSnapshot.js";

describe("init and the root", () => {
  it("init creates a store once and reports an existing one", async () => {
    const { cli, root } = await storeCli({ init: false });
    expect(await ok(cli("--json", "init"))).toEqual({ root, created: true });
    expect(await ok(cli("--json", "init"))).toEqual({ root, created: false });
    expect((await cli("init")).stdout).toMatch(/already exists/);
  });

  it("a missing root, or a directory without a store, is NOT_FOUND (exit 3); only init creates one", async () => {
    const dir = tempDir();
    for (const root of [join(dir, "missing"), dir]) {
      const r = await runCli(["--json", "--root", root, "list"]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe("");
      expect((JSON.parse(r.stderr) as ErrorDoc).error.code).toBe("NOT_FOUND");
    }
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("takes the root from $LIVING_REPORTS_ROOT, else ./reports in the working directory", async () => {
    const dir = tempDir();
    expect((await runCli(["init"], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, "reports", "by_id"))).toBe(true);
    const other = join(dir, "other");
    expect((await runCli(["init"], { cwd: dir, env: { LIVING_REPORTS_ROOT: other } })).code).toBe(0);
    expect(existsSync(join(other, "by_id"))).toBe(true);
  });
});

describe("delete and trash", () => {
  it("delete moves a report to the trash; trash lists, restores and purges", async () => {
    const { cli } = await storeCli();
    const a = await ok<Created>(cli("--json", "create", "Keep me"));
    const b = await ok<Created>(cli("--json", "create", "Drop me"));
    const entry = await ok<{ report_id: string; location: string }>(cli("--json", "delete", a.report_id));
    expect(entry.report_id).toBe(a.report_id);
    expect(entry.location).toMatch(/^\.trash\//);
    expect((await ok<IndexEntryDoc[]>(cli("--json", "list"))).map((e) => e.report_id)).toEqual([b.report_id]);
    expect((await ok<{ report_id: string }[]>(cli("--json", "trash"))).map((e) => e.report_id)).toEqual([
      a.report_id,
    ]);
    expect((await ok<Summary>(cli("--json", "trash", "restore", a.report_id))).title).toBe("Keep me");
    await ok(cli("--json", "delete", b.report_id));
    expect(await ok(cli("--json", "trash", "purge", "--older-than", "1"))).toEqual({ purged: [] });
    expect(await ok(cli("--json", "trash", "purge"))).toEqual({ purged: [b.report_id] });
    expect(await ok(cli("--json", "trash", "list"))).toEqual([]);
    expect((await cli("trash")).stdout).toMatch(/empty/);
  });

  it("refuses unknown trash actions, misplaced options and a bad --older-than (exit 2)", async () => {
    const { cli } = await storeCli();
    expect((await cli("trash", "empty")).code).toBe(2);
    expect((await cli("trash", "list", "--older-than", "3")).code).toBe(2);
    expect((await cli("trash", "purge", "--older-than", "-1")).code).toBe(2);
    expect((await cli("trash", "restore")).code).toBe(2);
    expect((await cli("trash", "restore", randomUUID())).code).toBe(3);
  });
});

describe("verify, repair, rebuild-index", () => {
  it("verify exits 0 on a sound store and 1 listing each problem on a damaged one", async () => {
    const { cli, root } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Report"));
    expect(await ok<VerifyDoc>(cli("--json", "verify"))).toMatchObject({ ok: true, problems: [] });
    expect((await cli("verify", id)).stdout).toMatch(/^ok/);
    const outlinePath = join(root, "by_id", id, "outline.json");
    writeFileSync(outlinePath, readFileSync(outlinePath, "utf8").replace('"Report"', '"Edited by hand"'));
    const damaged = await cli("--json", "verify");
    expect(damaged.code).toBe(1);
    const doc = damaged.json<VerifyDoc>();
    expect(doc.ok).toBe(false);
    expect(doc.problems.some((p) => p.report_id === id)).toBe(true);
    const text = await cli("verify");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(id);
  });

  it("verify, list, show, history and trash list write nothing, even on a damaged store", async () => {
    const { cli, root } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Report"));
    appendFileSync(join(root, "by_id", id, "audit.jsonl"), '{"torn');
    const before = treeSnapshot(root);
    expect((await cli("verify")).code).toBe(1);
    expect((await cli("list")).code).toBe(0);
    expect((await cli("show", id)).code).toBe(0);
    await cli("history", id);
    expect((await cli("trash", "list")).code).toBe(0);
    expect(treeSnapshot(root)).toEqual(before);
  });

  it("repair mends a torn audit tail and then the store verifies", async () => {
    const { cli, root } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Report"));
    appendFileSync(join(root, "by_id", id, "audit.jsonl"), '{"action_id":"tor');
    expect((await cli("verify")).code).toBe(1);
    const repaired = await ok<{ mended: unknown[]; unresolved: unknown[] }>(cli("--json", "repair"));
    expect(repaired.mended.length).toBeGreaterThan(0);
    expect(repaired.unresolved).toEqual([]);
    expect((await cli("verify")).code).toBe(0);
    expect((await cli("repair")).stdout).toMatch(/nothing to mend/);
  });

  it("rebuild-index restores a lost index and draws a progress bar only on a terminal", async () => {
    const { cli, root, dir } = await storeCli();
    const a = await ok<Created>(cli("--json", "create", "One"));
    await ok(cli("--json", "create", "Two"));
    rmSync(join(root, "index.jsonl"), { force: true });
    expect(await ok(cli("--json", "rebuild-index"))).toEqual({ reports: 2 });
    const entries = await ok<IndexEntryDoc[]>(cli("--json", "list"));
    expect(entries.map((e) => e.report_id)).toContain(a.report_id);
    const piped = await cli("rebuild-index");
    expect(piped.stdout).toBe("index rebuilt: 2 report(s)\n");
    const tty = await runCli(["--root", root, "rebuild-index"], { cwd: dir, tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain("\x1b[2K");
    expect(tty.stdout.endsWith("index rebuilt: 2 report(s)\n")).toBe(true);
    const ttyJson = await runCli(["--root", root, "--json", "rebuild-index"], { cwd: dir, tty: true });
    expect(JSON.parse(ttyJson.stdout)).toEqual({ reports: 2 });
  });
});

describe("bad ids and locks", () => {
  it.each([["../x"], ["a/b"], [""], ["NOT-A-UUID"]])(
    "refuses id %j with exit 2 before touching the store",
    async (id) => {
      const dir = tempDir();
      const r = await runCli(["--json", "--root", join(dir, "missing"), "rename", id, "t"]);
      expect(r.code).toBe(2);
      expect((JSON.parse(r.stderr) as ErrorDoc).error.code).toBe("INVALID_ID");
    },
  );

  it("a report locked by another writer times out with exit 5", async () => {
    const { cli, root } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Busy"));
    const backend = nodeFsBackend({ root });
    const locks = createLockManager(backend);
    const held = await locks.acquire(`by_id/${id}/.lock`);
    try {
      const r = await cli("--json", "--lock-timeout", "200", "rename", id, "Blocked");
      expect(r.code).toBe(5);
      expect((JSON.parse(r.stderr) as ErrorDoc).error.code).toBe("LOCK_TIMEOUT");
    } finally {
      await held.release();
      await locks.close();
    }
    const store = await openReports(nodeFsBackend({ root }), { readOnly: true });
    try {
      expect((await store.get(id)).title).toBe("Busy");
    } finally {
      await store.close();
    }
  });
});
