#!/usr/bin/env node
// Runs every example against the built workspace packages (CI: `npm run examples`, after the
// build). Each example is a standalone folder that imports the packages by name; inside this
// repository the names resolve to the workspace's packages through the root node_modules.
// Exits non-zero when any example fails, after running them all.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** What each example runs: a plain Node program, or its vitest tests with the repository's vitest. */
const EXAMPLES = [
  { name: "embedding-node-fs", command: process.execPath, args: ["examples/embedding-node-fs/main.mjs"] },
  {
    name: "testing-with-power-loss",
    command: "npx",
    args: ["vitest", "run", "--root", "examples/testing-with-power-loss"],
  },
  { name: "custom-backend", command: "npx", args: ["vitest", "run", "--root", "examples/custom-backend"] },
  {
    name: "crash-testing-npm-packages",
    command: "npx",
    args: ["vitest", "run", "--root", "examples/crash-testing-npm-packages"],
  },
];

const failed = [];
for (const example of EXAMPLES) {
  console.log(`\n== example: ${example.name}`);
  const result = spawnSync(example.command, example.args, { cwd: repo, stdio: "inherit" });
  if (result.status !== 0)
    failed.push(`${example.name} (${result.error?.message ?? `exit ${result.status}`})`);
}
if (failed.length > 0) {
  console.error(`\nexamples failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\nexamples: all ${EXAMPLES.length} ran`);
