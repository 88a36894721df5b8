import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** `import … from "x"`, `export … from "x"` and `import "x"`, one per statement. */
const STATIC_IMPORT =
  /^\s*(?:import|export)\s[^;"']*?\sfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;

/** Every package `entry` (a source file) reaches through its relative imports, types included. */
function packagesReached(entry: string): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const specifier = m[1] ?? m[2] ?? "";
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
      else out.add(specifier);
    }
  };
  visit(entry);
  return out;
}

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

describe("package entries", () => {
  for (const entry of ["explorer.ts", "faults.ts"]) {
    it(`${entry} reaches neither vitest nor fast-check, so it runs under any test runner`, () => {
      const reached = [...packagesReached(src(entry))];
      expect(reached.filter((p) => p === "vitest" || p === "fast-check")).toEqual([]);
      expect(reached).toContain("@living-reports/core");
    });
  }

  it("the root reaches vitest (the conformance suite), so the check above can fail", () => {
    expect(packagesReached(src("index.ts"))).toContain("vitest");
  });
});
