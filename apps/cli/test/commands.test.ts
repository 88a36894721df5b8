import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ok, storeCli } from "./helpers/runCli.js";
import type { Created, ErrorDoc, EventDoc, IndexEntryDoc, OutlineDoc, Summary } from "./helpers/shapes.js";

describe("create, show, list", () => {
  it("create prints the new id; --json prints {report_id}", async () => {
    const { cli } = await storeCli();
    const text = await cli("create", "Plain");
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const { report_id } = await ok<Created>(cli("--json", "create", "Tagged", "--tag", "a", "--tag", "b"));
    const outline = await ok<OutlineDoc>(cli("--json", "show", report_id));
    expect(outline).toMatchObject({ report_id, title: "Tagged", outline_version: 1 });
    expect(outline.metadata.tags).toEqual(["a", "b"]);
  });

  it("create --sections-file takes sections and the insights they name", async () => {
    const { cli, dir } = await storeCli();
    const insightId = randomUUID();
    const file = join(dir, "sections.json");
    writeFileSync(
      file,
      JSON.stringify({
        sections: [
          { section_id: randomUUID(), title: "Overview", order: 0, insight_ids: [insightId], metadata: {} },
        ],
        insights: [
          {
            insight_id: insightId,
            importance: 5,
            summary: "It rose",
            supporting_queries: [],
            citations: [],
            draft_changes: null,
            metadata: {},
          },
        ],
      }),
    );
    const { report_id } = await ok<Created>(
      cli("--json", "create", "With sections", "--sections-file", "sections.json"),
    );
    const outline = await ok<OutlineDoc>(cli("--json", "show", report_id));
    expect(outline.sections.map((s) => s.title)).toEqual(["Overview"]);
    expect(outline.insights.map((i) => i.summary)).toEqual(["It rose"]);
    const shown = await cli("show", "With sections");
    expect(shown.stdout).toContain("## Overview");
    expect(shown.stdout).toContain("It rose");
  });

  it("create --sections-file refuses a schema violation with exit 2 and creates nothing", async () => {
    const { cli, dir } = await storeCli();
    writeFileSync(join(dir, "bad.json"), JSON.stringify([{ title: "no id" }]));
    const r = await cli("--json", "create", "Bad", "--sections-file", "bad.json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: "INVALID_INPUT" } });
    expect(await ok<unknown[]>(cli("--json", "list"))).toEqual([]);
    expect((await cli("create", "Missing", "--sections-file", "nope.json")).code).toBe(3);
  });

  it("show resolves exact and unique partial titles; several matches are AMBIGUOUS (exit 2)", async () => {
    const { cli } = await storeCli();
    const { report_id } = await ok<Created>(cli("--json", "create", "Churn Q3"));
    await ok(cli("--json", "create", "Churn Q4"));
    expect((await ok<OutlineDoc>(cli("--json", "show", "Churn Q3"))).report_id).toBe(report_id);
    const ambiguous = await cli("--json", "show", "churn");
    expect(ambiguous.code).toBe(2);
    expect(JSON.parse(ambiguous.stderr)).toMatchObject({ error: { code: "AMBIGUOUS" } });
    expect((await cli("show", "nothing like it")).code).toBe(3);
  });

  it("list filters by status and all given tags, sorts, and prints a table or an IndexEntry array", async () => {
    const { cli } = await storeCli();
    const a = await ok<Created>(cli("--json", "create", "Beta", "--tag", "x", "--tag", "y"));
    const b = await ok<Created>(cli("--json", "create", "Alpha", "--tag", "x"));
    await ok(cli("--json", "archive", b.report_id));
    const all = await ok<IndexEntryDoc[]>(cli("--json", "list", "--status", "all", "--sort", "title"));
    expect(all.map((e) => e.current_title)).toEqual(["Alpha", "Beta"]);
    expect(all[0]).toMatchObject({
      report_id: b.report_id,
      status: "archived",
      path: `by_id/${b.report_id}`,
    });
    const both = await ok<IndexEntryDoc[]>(cli("--json", "list", "--tag", "x", "--tag", "y"));
    expect(both.map((e) => e.report_id)).toEqual([a.report_id]);
    const archived = await ok<IndexEntryDoc[]>(cli("--json", "list", "--status", "archived"));
    expect(archived.map((e) => e.report_id)).toEqual([b.report_id]);
    const table = await cli("list", "--status", "all");
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+TITLE\s+STATUS\s+TAGS\s+UPDATED$/);
    expect(table.stdout).toContain("Alpha");
    expect((await cli("list", "--status", "gone")).code).toBe(2);
    expect((await cli("list", "--sort", "size")).code).toBe(2);
  });
});

describe("update", () => {
  async function withReport() {
    const env = await storeCli();
    const { report_id } = await ok<Created>(env.cli("--json", "create", "Draft"));
    const outline = await ok<OutlineDoc>(env.cli("--json", "show", report_id));
    const file = join(env.dir, "outline.json");
    const write = (o: OutlineDoc) => writeFileSync(file, JSON.stringify(o));
    return { ...env, id: report_id, outline, file, write };
  }

  it("replaces the outline from F, using F's outline_version as the expected one (recorded as evolve)", async () => {
    const { cli, id, outline, write } = await withReport();
    write({ ...outline, title: "Final" });
    const summary = await ok<Summary>(cli("--json", "update", id, "--file", "outline.json"));
    expect(summary).toMatchObject({ report_id: id, title: "Final", outline_version: 2 });
    // The same file again is now stale: a version conflict, exit 4, nothing written.
    const stale = await cli("--json", "update", id, "--file", "outline.json");
    expect(stale.code).toBe(4);
    expect(JSON.parse(stale.stderr)).toMatchObject({ error: { code: "VERSION_CONFLICT" } });
    expect((await ok<OutlineDoc>(cli("--json", "show", id))).outline_version).toBe(2);
    const events = await ok<EventDoc[]>(cli("--json", "history", id));
    expect(events.map((e) => e.action_type)).toEqual(["create", "evolve"]);
  });

  it("--expected-version overrides F's version; --force skips the check", async () => {
    const { cli, id, outline, write } = await withReport();
    write({ ...outline, title: "Two" });
    await ok(cli("--json", "update", id, "--file", "outline.json"));
    write({ ...outline, title: "Three" });
    expect((await cli("update", id, "--file", "outline.json", "--expected-version", "1")).code).toBe(4);
    const three = await ok<Summary>(
      cli("--json", "update", id, "--file", "outline.json", "--expected-version", "2"),
    );
    expect(three.outline_version).toBe(3);
    write({ ...outline, title: "Forced" });
    const forced = await ok<Summary>(cli("--json", "update", id, "--file", "outline.json", "--force"));
    expect(forced).toMatchObject({ title: "Forced", outline_version: 4 });
  });

  it("refuses bad input with exit 2: both flags, no --file, a bad version, bad JSON, another report's outline, unknown keys", async () => {
    const { cli, id, outline, write, file } = await withReport();
    write(outline);
    expect(
      (await cli("update", id, "--file", "outline.json", "--force", "--expected-version", "1")).code,
    ).toBe(2);
    expect((await cli("update", id)).code).toBe(2);
    expect((await cli("update", id, "--file", "outline.json", "--expected-version", "0")).code).toBe(2);
    write({ ...outline, report_id: randomUUID() });
    expect((await cli("update", id, "--file", "outline.json")).code).toBe(2);
    writeFileSync(file, "{ not json");
    const bad = await cli("--json", "update", id, "--file", "outline.json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: "INVALID_OUTLINE" } });
    writeFileSync(file, JSON.stringify({ ...outline, surprise: true }));
    expect((await cli("update", id, "--file", "outline.json")).code).toBe(2);
    expect((await ok<OutlineDoc>(cli("--json", "show", id))).outline_version).toBe(1);
  });
});

describe("rename, tag, archive, fork, synthesize, history, revert", () => {
  it("each change bumps the version by one and is recorded in history", async () => {
    const { cli } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Report", "--tag", "old"));
    expect(await ok<Summary>(cli("--json", "rename", id, "Renamed"))).toMatchObject({
      title: "Renamed",
      outline_version: 2,
    });
    const tagged = await ok<Summary>(cli("--json", "tag", id, "--add", "new", "--remove", "old"));
    expect(tagged).toMatchObject({ tags: ["new"], outline_version: 3 });
    expect(await ok<Summary>(cli("--json", "archive", id))).toMatchObject({
      status: "archived",
      outline_version: 4,
    });
    const events = await ok<EventDoc[]>(cli("--json", "history", id));
    expect(events.map((e) => e.action_type)).toEqual(["create", "rename", "tag_update", "archive"]);
    expect(events.every((e) => e.report_id === id && e.actor === "cli")).toBe(true);
    const table = await cli("history", id);
    expect(table.stdout).toMatch(/tag_update/);
    expect((await cli("tag", id)).code).toBe(2);
  });

  it("revert commits the state before an action as the next version; an action without a backup exits 2", async () => {
    const { cli } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "create", "Before"));
    await ok(cli("--json", "rename", id, "After"));
    const events = await ok<EventDoc[]>(cli("--json", "history", id));
    const rename = events.find((e) => e.action_type === "rename");
    const create = events.find((e) => e.action_type === "create");
    if (rename === undefined || create === undefined) throw new Error("events missing");
    expect(await ok<Summary>(cli("--json", "revert", id, rename.action_id))).toMatchObject({
      title: "Before",
      outline_version: 3,
    });
    expect((await cli("revert", id, create.action_id)).code).toBe(2);
    expect((await cli("revert", id, randomUUID())).code).toBe(3);
  });

  it("records --actor on events", async () => {
    const { cli } = await storeCli();
    const { report_id: id } = await ok<Created>(cli("--json", "--actor", "agent", "create", "By agent"));
    const events = await ok<EventDoc[]>(cli("--json", "history", id));
    expect(events[0]?.actor).toBe("agent");
  });

  it("fork and synthesize print {report_id} of the new report", async () => {
    const { cli } = await storeCli();
    const a = await ok<Created>(cli("--json", "create", "A"));
    const b = await ok<Created>(cli("--json", "create", "B"));
    const fork = await ok<Created>(cli("--json", "fork", a.report_id, "A fork"));
    expect(fork.report_id).not.toBe(a.report_id);
    expect((await ok<OutlineDoc>(cli("--json", "show", fork.report_id))).title).toBe("A fork");
    const synth = await ok<Created>(cli("--json", "synthesize", a.report_id, b.report_id, "--title", "Both"));
    expect((await ok<OutlineDoc>(cli("--json", "show", synth.report_id))).title).toBe("Both");
    expect((await cli("synthesize", a.report_id)).code).toBe(2);
  });

  it("an unknown but well-formed id exits 3 with the id in the JSON error", async () => {
    const { cli } = await storeCli();
    const id = randomUUID();
    const r = await cli("--json", "rename", id, "x");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    const doc = JSON.parse(r.stderr) as ErrorDoc;
    expect(doc.error.code).toBe("NOT_FOUND");
  });
});
