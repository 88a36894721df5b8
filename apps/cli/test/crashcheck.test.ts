import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/runCli.js";

/** `crashcheck --json` (docs/CLI.md). */
interface CrashcheckDoc {
  states: number;
  violations: number;
  failures: { workload: string; trace: string; state: unknown }[];
  workloads: {
    name: string;
    states: number;
    checks: number;
    rounds: number;
    exhausted: boolean;
    violations: number;
  }[];
  statesPerSecond: number;
  mode: string;
  seed: number;
}

interface MutantsDoc {
  mutants: { name: string; caught: boolean; mode: string; states: number }[];
}

/** `import … from "x"`, `export … from "x"` and `import "x"` as emitted by tsc (one per statement). */
const STATIC_IMPORT =
  /^\s*(?:import|export)\s[^;"']*?\sfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

/** Every module specifier outside the package that `entry` reaches through relative imports. */
function externalImports(entry: string): Set<string> {
  const external = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(STATIC_IMPORT)) {
      const specifier = m[1] ?? m[2] ?? "";
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else external.add(specifier);
    }
  };
  visit(entry);
  return external;
}

describe("crashcheck", () => {
  it("explores the standard workloads and prints the JSON of docs/CLI.md, exit code matching the violations", async () => {
    const r = await runCli(["crashcheck", "--json", "--states", "300"]);
    expect(r.stderr).toBe("");
    const doc = r.json<CrashcheckDoc>();
    expect(doc).toMatchObject({ mode: "prefix", seed: 0 });
    expect(doc.states).toBeGreaterThanOrEqual(300);
    expect(doc.workloads.length).toBeGreaterThanOrEqual(4);
    for (const w of doc.workloads) {
      expect(w).toEqual(expect.objectContaining({ name: expect.any(String), states: expect.any(Number) }));
      expect(w.states).toBeGreaterThan(0);
      expect(w.checks).toBe(w.states);
      expect(w.rounds).toBeGreaterThanOrEqual(1);
      expect(w.exhausted).toEqual(expect.any(Boolean));
    }
    expect(doc.workloads.reduce((n, w) => n + w.states, 0)).toBe(doc.states);
    expect(doc.workloads.reduce((n, w) => n + w.violations, 0)).toBe(doc.violations);
    expect(doc.statesPerSecond).toEqual(expect.any(Number));
    for (const f of doc.failures)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["workload", "trace", "state"]));
    expect(r.code).toBe(doc.violations === 0 ? 0 : 1);
    expect(doc.failures.length > 0).toBe(doc.violations > 0);
  });

  it("runs the log protocol's workloads too by default, and only the set --workloads names", async () => {
    const names = async (args: string[]) =>
      (await runCli(["--json", "crashcheck", "--states", "22", ...args]))
        .json<CrashcheckDoc>()
        .workloads.map((w) => w.name);
    const protocol = await names(["--workloads", "protocol"]);
    expect(protocol).toEqual(expect.arrayContaining(["lease-handed-over", "index-compaction"]));
    const standard = await names(["--workloads", "standard"]);
    expect(standard).toEqual(expect.arrayContaining(["create", "evolve"]));
    expect(standard.filter((n) => protocol.includes(n))).toEqual([]);
    expect(await names([])).toEqual([...standard, ...protocol]);
  });

  it("catches every mutant with --mutants", async () => {
    const r = await runCli(["--json", "crashcheck", "--mutants", "--states", "100"]);
    const { mutants } = r.json<MutantsDoc>();
    expect(mutants.length).toBeGreaterThan(0);
    for (const m of mutants) expect(m, m.name).toMatchObject({ caught: true, mode: expect.any(String) });
    expect(r.code).toBe(0);
  });

  it("draws a progress bar on a terminal, then prints the text report", async () => {
    const r = await runCli(["crashcheck", "--states", "8", "--mode", "drop", "--seed", "3"], { tty: true });
    const [progress, report] = [r.stdout.slice(0, r.stdout.lastIndexOf("\r\x1b[2K")), r.stdout];
    expect(progress).toContain("crashcheck create");
    expect(progress).toContain("8/8");
    expect(report).toMatch(/crashcheck: memfs, mode drop, seed 3\n/);
    expect(report).toMatch(/total: 8 states/);
  });

  it("keeps --json output free of progress even on a terminal", async () => {
    const r = await runCli(["--json", "crashcheck", "--states", "8"], { tty: true });
    expect(r.stdout).not.toContain("\x1b");
    expect(r.json<CrashcheckDoc>().states).toBe(8);
  });

  it.each([
    [["--mode", "sideways"], /--mode must be one of drop, prefix, torn, reorder/],
    [["--backend", "tape"], /--backend must be one of memfs, node-fs/],
    [["--states", "-1"], /--states/],
    [["--seed", "x"], /--seed/],
    [["--workloads", "some"], /--workloads must be one of standard, protocol, all/],
    [["extra"], /argument/],
  ])("rejects bad options %j with exit 2", async (args, message) => {
    const r = await runCli(["crashcheck", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/INVALID_INPUT/);
    expect(r.stderr).toMatch(message);
  });

  it("shows its options and an example with --help", async () => {
    const r = await runCli(["crashcheck", "--help"]);
    expect(r.code).toBe(0);
    for (const option of ["--backend", "--mode", "--states", "--seed", "--mutants"])
      expect(r.stdout).toContain(option);
    expect(r.stdout).toMatch(/Examples:\n {2}living-reports .*crashcheck/);
  });

  it("loads the explorer through an entry that reaches no test runner", () => {
    const entry = createRequire(import.meta.url).resolve("@living-reports/testkit/explorer");
    const external = [...externalImports(entry)];
    // The walk does see imports (of core at least), so an empty list below is not vacuous.
    expect(external).toContain("@living-reports/core");
    expect(external.filter((s) => !s.startsWith("node:") && s !== "@living-reports/core")).toEqual([]);
  });
});
