#!/usr/bin/env node
// `npm run bench:setup`: makes the bench's optional database peers usable on this machine.
//
// better-sqlite3 is an optionalDependency whose install script the repository does not run on
// `npm ci` (package.json `allowScripts`): it would try to download a prebuilt binary (no network
// here but the npm registry) and then compile SQLite for every install, tests and CI included.
// This script compiles it once, from the sources in its package, with npm's own node-gyp and the
// Node.js headers installed beside the node binary (no header download). lmdb needs nothing: its
// binary ships in a platform package (@lmdb/lmdb-linux-x64 and friends) that npm installs.
//
//   npm run bench:setup            builds better-sqlite3 if it does not load yet
//   npm run bench:setup -- --force rebuilds it anyway
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const force = process.argv.includes("--force");

/** Loads a package in a fresh process (a failed native load cannot be retried in this one). */
function check(probe) {
  const r = spawnSync(process.execPath, ["-e", probe], { cwd: import.meta.dirname, encoding: "utf8" });
  return r.status === 0 ? { ok: true, text: r.stdout.trim() } : { ok: false, text: lastLine(r.stderr) };
}

function lastLine(text) {
  return (
    (text ?? "")
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .find((l) => /Error|error:/.test(l)) ?? ""
  );
}

const SQLITE_PROBE =
  "const D = require('better-sqlite3'); const d = new D(':memory:'); console.log(d.prepare('select sqlite_version() v').get().v)";

let pkgDir;
try {
  pkgDir = dirname(require.resolve("better-sqlite3/package.json"));
} catch {
  console.error(
    "better-sqlite3 is not installed: run `npm ci` first (it is an optional dependency of apps/bench).",
  );
  process.exit(1);
}

const before = check(SQLITE_PROBE);
if (before.ok && !force) {
  console.log(`better-sqlite3 loads already (SQLite ${before.text}); --force rebuilds it.`);
} else {
  const nodedir = process.env.npm_config_nodedir || dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, "include", "node", "node_api.h"))) {
    console.error(
      `No Node.js headers in ${join(nodedir, "include", "node")}: install the headers of Node ${process.version} ` +
        "there (the official Node.js tarballs ship them) or set npm_config_nodedir to a folder that has include/node.",
    );
    process.exit(1);
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) {
    console.error("npm's node-gyp was not found: run this as `npm run bench:setup` (npm ships node-gyp).");
    process.exit(1);
  }
  console.log(
    `Building better-sqlite3 from source with ${nodeGyp}, headers from ${nodedir} (about a minute)...`,
  );
  const build = spawnSync(
    process.execPath,
    [nodeGyp, "rebuild", "--release", `--nodedir=${nodedir}`, "--jobs=2"],
    {
      cwd: pkgDir,
      stdio: "inherit",
      env: { ...process.env, npm_config_nodedir: nodedir },
    },
  );
  if (build.status !== 0) {
    console.error(`node-gyp failed (exit ${build.status}): the bench will run without the SQLite peers.`);
    process.exit(1);
  }
  const after = check(SQLITE_PROBE);
  if (!after.ok) {
    console.error(`better-sqlite3 was built but does not load: ${after.text}`);
    process.exit(1);
  }
  console.log(`better-sqlite3 built: SQLite ${after.text}.`);
}

const lmdb = check(
  "const l = require('lmdb'); if (typeof l.open !== 'function') throw new Error('no open()'); console.log('ok')",
);
console.log(lmdb.ok ? "lmdb loads." : `lmdb does not load (${lmdb.text}): the bench will run without it.`);

/** npm's own node-gyp: npm passes its path to scripts; else next to npm's CLI. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath &&
      join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  ];
  return candidates.find((c) => c !== undefined && c !== "" && existsSync(c));
}
