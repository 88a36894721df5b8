// Reads vitest output (through turbo) on stdin and prints one closing line "N passed, M failed"
// (", K skipped" when any), summed over every package, so CI sees how many tests ran.
import { readFileSync } from "node:fs";

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
const text = readFileSync(0, "utf8").replace(/\u001b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split("\n")) {
  const m = /^\S*\s*Tests\s+(.*)$/.exec(line.trim());
  if (!m || !/\(\d+\)\s*$/.test(line)) continue;
  for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (what === "passed") passed += Number(n);
    else if (what === "failed") failed += Number(n);
    else skipped += Number(n);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
