#!/usr/bin/env node
// Fails when the sources or docs cite a doc of docs/ that does not exist, or a section of it
// (`docs/GUARANTEES.md#g7-locks`) that has no heading with that GitHub anchor: the code cites the
// guarantees, the crash model, the CLI contract and the format by these links, so each must land.
// Usage: node scripts/checkDocLinks.mjs   (exit 1 and the broken links on stderr when there are any)
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

const anchors = new Map();
for (const name of readdirSync(join(root, "docs"))) {
  if (!name.endsWith(".md")) continue;
  const text = readFileSync(join(root, "docs", name), "utf8");
  anchors.set(`docs/${name}`, new Set([...text.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]))));
}

const files = execFileSync(
  "git",
  ["ls-files", "packages", "apps", "scripts", "docs", "examples", "README.md"],
  {
    cwd: root,
    encoding: "utf8",
  },
)
  .split("\n")
  .filter((f) => /\.(ts|mts|mjs|js|md|json)$/.test(f) && !f.includes("/dist/"));

const broken = [];
for (const file of files) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  for (const m of text.matchAll(/\bdocs\/([A-Z][A-Z0-9-]*\.md)(?:#([a-z0-9_-]+))?/g)) {
    const doc = `docs/${m[1]}`;
    const known = anchors.get(doc);
    if (known === undefined) broken.push(`${file}: ${doc} does not exist`);
    else if (m[2] !== undefined && !known.has(m[2])) broken.push(`${file}: ${doc} has no section #${m[2]}`);
  }
}
if (broken.length > 0) {
  console.error(`broken doc links:\n  ${broken.join("\n  ")}`);
  process.exit(1);
}
console.log(`doc links resolve (${files.length} files)`);
