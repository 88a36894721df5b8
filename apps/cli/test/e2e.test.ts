import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/runCli.js";
import type { Created, ErrorDoc, OutlineDoc, Summary } from "./helpers/shapes.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built binary as a user would: a separate node process. */
function spawnCli(args: string[], env: Record<string, string> = {}): Promise<Spawned> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function initialised(): Promise<{ root: string; dir: string }> {
  const dir = tempDir();
  const root = join(dir, "store");
  const init = await spawnCli(["--root", root, "init"]);
  expect(init.code).toBe(0);
  return { root, dir };
}

async function created(root: string, title: string): Promise<string> {
  const r = await spawnCli(["--root", root, "--json", "create", title]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as Created).report_id;
}

// Each spawn pays a node start-up (slow on a loaded CI machine): generous time, no timing asserts.
describe("the built binary (node dist/bin.js)", { timeout: 60_000 }, () => {
  it("exists (turbo builds before testing; by hand: npm run build -w @living-reports/cli)", () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it("prints help with every command and exits 0; per-command help shows options and an example", async () => {
    const top = await spawnCli(["--help"]);
    expect(top.code).toBe(0);
    for (const name of ["init", "create", "update", "trash", "rebuild-index", "demo"])
      expect(top.stdout).toContain(name);
    const update = await spawnCli(["update", "--help"]);
    expect(update.code).toBe(0);
    expect(update.stdout).toContain("--expected-version N");
    expect(update.stdout).toContain("Examples:");
  });

  it.each([["../x"], ["a/b"], [""]])(
    "refuses the bad id %j with exit 2, before looking at the root",
    async (id) => {
      const r = await spawnCli(["--root", join(tempDir(), "missing"), "tag", id, "--add", "t"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error INVALID_ID: /);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    },
  );

  it("a missing root exits 3 with the JSON error on stderr and nothing on stdout", async () => {
    const dir = tempDir();
    const r = await spawnCli(["--json", "list"], { LIVING_REPORTS_ROOT: join(dir, "nope") });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    const doc = JSON.parse(r.stderr) as ErrorDoc;
    expect(doc.error.code).toBe("NOT_FOUND");
    expect(typeof doc.error.message).toBe("string");
  });

  it("usage errors exit 2, as JSON with --json", async () => {
    const r = await spawnCli(["--json", "frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: "INVALID_INPUT" } });
  });

  it("two processes tagging one report at once both succeed, one version each", async () => {
    const { root } = await initialised();
    const id = await created(root, "Shared");
    const [a, b] = await Promise.all([
      spawnCli(["--root", root, "--json", "tag", id, "--add", "first"]),
      spawnCli(["--root", root, "--json", "tag", id, "--add", "second"]),
    ]);
    expect([a?.code, b?.code]).toEqual([0, 0]);
    const versions = [a, b].map((r) => (JSON.parse(r?.stdout ?? "") as Summary).outline_version).sort();
    expect(versions).toEqual([2, 3]);
    const show = await spawnCli(["--root", root, "--json", "show", id]);
    const outline = JSON.parse(show.stdout) as OutlineDoc;
    expect(outline.outline_version).toBe(3);
    expect([...(outline.metadata.tags as string[])].sort()).toEqual(["first", "second"]);
  });

  it("two processes updating from the same version: exactly one wins, the other gets a version conflict", async () => {
    const { root, dir } = await initialised();
    const id = await created(root, "Contended");
    const outline = JSON.parse((await spawnCli(["--root", root, "--json", "show", id])).stdout) as OutlineDoc;
    const fileA = join(dir, "a.json");
    const fileB = join(dir, "b.json");
    writeFileSync(fileA, JSON.stringify({ ...outline, title: "From A" }));
    writeFileSync(fileB, JSON.stringify({ ...outline, title: "From B" }));
    const results = await Promise.all([
      spawnCli(["--root", root, "update", id, "--file", fileA]),
      spawnCli(["--root", root, "update", id, "--file", fileB]),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
    const loser = results.find((r) => r.code === 4);
    expect(loser?.stderr).toMatch(/^error VERSION_CONFLICT: /);
    const after = JSON.parse((await spawnCli(["--root", root, "--json", "show", id])).stdout) as OutlineDoc;
    expect(after.outline_version).toBe(2);
    const winner = results.findIndex((r) => r.code === 0);
    expect(after.title).toBe(winner === 0 ? "From A" : "From B");
    expect((await spawnCli(["--root", root, "verify"])).code).toBe(0);
  });
});
