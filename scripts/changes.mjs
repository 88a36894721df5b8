#!/usr/bin/env node
// The release flow of changes/README.md, without dependencies:
//   node scripts/changes.mjs check     validates changes/*.md (CI)
//   node scripts/changes.mjs version   consumes them: bumps every package (one shared version),
//                                      prepends CHANGELOG.md, deletes the consumed files
// Add --dry-run to `version` to print the new version and changelog section without writing.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE_DIRS = [
  "packages/core",
  "packages/node-fs",
  "packages/memfs",
  "packages/postgres",
  "packages/testkit",
  "apps/cli",
];
const BUMPS = ["patch", "minor", "major"];

const manifests = PACKAGE_DIRS.map((dir) => {
  const path = join(repo, dir, "package.json");
  return { path, json: JSON.parse(readFileSync(path, "utf8")) };
});
const names = new Set(manifests.map((m) => m.json.name));

/** Parses one change file; throws naming the file and what is wrong. */
function parseChange(file) {
  const text = readFileSync(join(repo, "changes", file), "utf8");
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (match === null)
    throw new Error(`changes/${file}: expected a --- front matter --- block, then a summary`);
  const bumps = match[1].split("\n").map((line) => {
    const entry = /^\s*"?(@living-reports\/[\w-]+)"?\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (entry === null || !names.has(entry[1])) {
      throw new Error(`changes/${file}: "${line}" is not \`"<published package>": patch|minor|major\``);
    }
    return { pkg: entry[1], bump: entry[2] };
  });
  const summary = match[2].trim();
  if (summary === "") throw new Error(`changes/${file}: the summary is empty`);
  return { file, bumps, summary };
}

function bumpVersion(version, bump) {
  const [major, minor, patch] = version.split(".").map(Number);
  if (bump === "major") return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const [command, ...flags] = process.argv.slice(2);
const files = readdirSync(join(repo, "changes")).filter((f) => f.endsWith(".md") && f !== "README.md");
const changes = files.sort().map(parseChange);
const versions = new Set(manifests.map((m) => m.json.version));
if (versions.size !== 1)
  throw new Error(`the packages must share one version; found ${[...versions].join(", ")}`);

if (command === "check") {
  console.log(`changes: ${changes.length} pending, all valid`);
} else if (command === "version") {
  if (changes.length === 0) throw new Error("changes: nothing to release");
  const bump = BUMPS[Math.max(...changes.flatMap((c) => c.bumps.map((b) => BUMPS.indexOf(b.bump))))];
  const next = bumpVersion([...versions][0], bump);
  const section = [
    `## ${next} (${new Date().toISOString().slice(0, 10)})`,
    "",
    ...changes.map(
      (c) => `- ${c.bumps.map((b) => `\`${b.pkg}\``).join(", ")}: ${c.summary.replace(/\n/g, "\n  ")}`,
    ),
    "",
  ].join("\n");
  if (flags.includes("--dry-run")) {
    console.log(`${bump}: ${next}\n\n${section}`);
  } else {
    for (const { path, json } of manifests) {
      json.version = next;
      for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
        for (const dep of Object.keys(json[field] ?? {})) if (names.has(dep)) json[field][dep] = `^${next}`;
      }
      writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
    }
    const changelog = join(repo, "CHANGELOG.md");
    const old = readFileSync(changelog, "utf8");
    const at = old.indexOf("\n## ");
    writeFileSync(
      changelog,
      at === -1 ? `${old}\n${section}` : `${old.slice(0, at + 1)}${section}\n${old.slice(at + 1)}`,
    );
    for (const c of changes) rmSync(join(repo, "changes", c.file));
    console.log(`released ${next} (${bump}); now run npm install, commit and tag v${next}`);
  }
} else {
  console.error("usage: node scripts/changes.mjs check | version [--dry-run]");
  process.exit(2);
}
