#!/usr/bin/env node
// Installs the packages the way a stranger would, and checks that they work (issue 8).
//
// 1. `npm pack` every published package (its `prepack` builds it), and checks each tarball's file
//    list: the entry points, the types, README, LICENSE, and no tests.
// 2. Makes a fresh project in a temporary directory, outside the workspace, and `npm install`s the
//    tarballs there (from the local npm cache where it can: `--prefer-offline`).
// 3. Runs a smoke script there: every package imports by name; a store works on node-fs and on
//    memfs (through a simulated power loss); the types resolve under NodeNext with strict
//    settings; vitest runs unchanged node:fs settings savers on memfs's power-losing node:fs
//    (scripts/packSmokeNodeFs.mjs); the installed `living-reports` binary answers `--help` and
//    drives a store. The postgres backend is imported and typechecked always, and drives a
//    store only when LR_POSTGRES_URL names a server (in a fresh schema, dropped after);
//    otherwise it says so.
//
// Usage: node scripts/packSmoke.mjs [--keep]   (--keep leaves the temporary directory to look at)
// Exits non-zero, naming the step, when anything fails.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeNodeFsSmoke } from "./packSmokeNodeFs.mjs";

const repo = resolve(fileURLToPath(new URL("..", import.meta.url)));
const keep = process.argv.includes("--keep");

/** Published packages, dependencies first (each one's prepack build needs the ones before it). */
const PACKAGES = [
  { dir: "packages/core", name: "@living-reports/core" },
  { dir: "packages/node-fs", name: "@living-reports/node-fs" },
  { dir: "packages/memfs", name: "@living-reports/memfs" },
  { dir: "packages/postgres", name: "@living-reports/postgres" },
  {
    dir: "packages/testkit",
    name: "@living-reports/testkit",
    extra: ["dist/explorer.js", "dist/faults.js", "fixtures/legacy-python/crashed.json"],
  },
  {
    dir: "apps/cli",
    name: "@living-reports/cli",
    bin: "bin/living-reports.js",
    // Bundled, so that the CLI tarball installs alone.
    bundled: ["core", "memfs", "node-fs", "postgres", "testkit"].map(
      (p) => `node_modules/@living-reports/${p}/dist/index.js`,
    ),
  },
];

// npm passes its own configuration to scripts as npm_* variables (workspace, prefix...); the
// temporary project must not inherit them, or npm would act on the monorepo instead.
const KEPT_NPM_VARS = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || KEPT_NPM_VARS.has(key.toLowerCase())),
);

function step(title) {
  console.log(`\n== pack smoke: ${title}`);
}

function sh(command, args, cwd, options = {}) {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: "utf8",
    stdio: options.capture === true ? ["ignore", "pipe", "inherit"] : "inherit",
  });
}

function checkTarball(pkg, files) {
  const required = ["package.json", "README.md", "LICENSE", "dist/index.d.ts", "dist/index.js"];
  if (pkg.bin !== undefined) required.splice(3, 2, "dist/main.d.ts", "dist/main.js", pkg.bin);
  required.push(...(pkg.extra ?? []), ...(pkg.bundled ?? []));
  const missing = required.filter((f) => !files.includes(f));
  const bundledDir = /^node_modules\/@living-reports\/[^/]+\/(package\.json|README\.md|LICENSE|dist\/)/;
  const unwanted = files.filter(
    (f) =>
      (/(^|\/)(test|node_modules)\//.test(f) && !(pkg.bundled !== undefined && bundledDir.test(f))) ||
      f.endsWith(".tsbuildinfo"),
  );
  // dist/ is never cleaned by tsc: an output whose source is gone would ship a ghost module.
  const stale = files.filter(
    (f) => /^dist\/.*\.m?js$/.test(f) && !files.includes(f.replace(/^dist\//, "src/").replace(/js$/, "ts")),
  );
  unwanted.push(...stale);
  if (missing.length > 0 || unwanted.length > 0) {
    throw new Error(`${pkg.name}: tarball misses [${missing.join(", ")}], holds [${unwanted.join(", ")}]`);
  }
}

/** Runs in the fresh project: every import resolves through the installed packages only. */
const SMOKE_SCRIPT = `import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "@living-reports/cli";
import { openReports, LivingReportsError, ErrorCode } from "@living-reports/core";
import { createMemfsDisk } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import { dropSchema, postgresBackend } from "@living-reports/postgres";
import * as testkit from "@living-reports/testkit";
import pg from "pg";

assert.equal(typeof run, "function");
assert.equal(typeof postgresBackend, "function");
assert.equal(typeof testkit.runConformanceSuite, "function");
// The legacy-store fixtures ship in the testkit tarball; explorer and faults load without vitest.
assert.ok(existsSync(join(testkit.legacyFixturesDir(), "crashed.json")), testkit.legacyFixturesDir());
assert.equal(typeof (await import("@living-reports/testkit/faults")).injectFaults, "function");
assert.equal(typeof (await import("@living-reports/testkit/explorer")).exploreCrashes, "function");
// Internal modules stay internal: only the package root is exported.
await assert.rejects(import("@living-reports/core/dist/store/reportStore.js"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });

async function exercise(backend, label) {
  const store = await openReports(backend, { create: true });
  const created = await store.create({ title: "Smoke " + label, tags: ["smoke"] });
  const tagged = await store.tag(created.report_id, { add: ["packed"] });
  assert.equal(tagged.outline_version, created.outline_version + 1);
  assert.deepEqual((await store.list()).map((e) => e.report_id), [created.report_id]);
  const report = await store.verify();
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  await assert.rejects(store.get("not-a-uuid"), (e) => e instanceof LivingReportsError && e.code === ErrorCode.INVALID_ID);
  await store.close();
  return created.report_id;
}

const dir = mkdtempSync(join(tmpdir(), "living-reports-smoke-"));
try {
  await exercise(nodeFsBackend({ root: dir }), "node-fs");
  console.log("node-fs: ok");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const disk = createMemfsDisk();
const id = await exercise(disk.backend(), "memfs");
const recovered = await openReports(disk.crash({ mode: "torn", seed: 1 }).backend());
assert.deepEqual((await recovered.get(id)).metadata.tags, ["smoke", "packed"]);
await recovered.close();
console.log("memfs (through a power loss): ok");

const url = process.env.LR_POSTGRES_URL;
if (url === undefined) {
  console.log("postgres: store not exercised (set LR_POSTGRES_URL to a server to include it)");
} else {
  const schema = "lr_pack_smoke_" + process.pid;
  const backend = postgresBackend({ url, schema });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await exercise(backend, "postgres");
    console.log("postgres: ok");
  } finally {
    await backend.end();
    await dropSchema(pool, schema);
    await pool.end();
  }
}
`;

/** Typechecked in the fresh project: the exported types resolve ("types" first in exports). */
const CONSUMER_TYPES = `import type { ExitCode } from "@living-reports/cli";
import { type Outline, openReports, type ReportStore, type StorageBackend } from "@living-reports/core";
import { type MemfsDisk, createMemfsDisk } from "@living-reports/memfs";
import { type NodeFsBackend, nodeFsBackend } from "@living-reports/node-fs";
import { type PostgresBackend, postgresBackend } from "@living-reports/postgres";
import type { ConformanceTarget } from "@living-reports/testkit";

const disk: MemfsDisk = createMemfsDisk();
const backends: StorageBackend[] = [disk.backend()];
export const onDisk: (root: string) => NodeFsBackend = (root) => nodeFsBackend({ root });
export const onDatabase: (url: string) => PostgresBackend = (url) => postgresBackend({ url, schema: "reports" });
export const target: ConformanceTarget = {
  name: "smoke",
  setup: async () => ({
    backend: disk.backend(),
    another: () => disk.backend(),
    advanceClock: async () => {},
    teardown: async () => {},
  }),
};
export async function titles(): Promise<string[]> {
  const store: ReportStore = await openReports(backends[0]!, { create: true });
  const outline: Outline = await store.create({ title: "t" });
  await store.close();
  return [outline.title];
}
export type Codes = ExitCode;
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    types: [],
    noEmit: true,
  },
  files: ["consumer.ts"],
};

const work = mkdtempSync(join(tmpdir(), "living-reports-pack-"));
try {
  step(`packing into ${work}/tarballs`);
  const tarballDir = join(work, "tarballs");
  mkdirSync(tarballDir);
  const tarballs = [];
  for (const pkg of PACKAGES) {
    const out = sh("npm", ["pack", "--json", "--pack-destination", tarballDir], join(repo, pkg.dir), {
      capture: true,
    });
    // prepack's own output goes to stderr; stdout holds npm's JSON report alone.
    const [report] = JSON.parse(out);
    checkTarball(
      pkg,
      report.files.map((f) => f.path),
    );
    console.log(`${report.filename}: ${report.files.length} files, ${report.size} bytes`);
    tarballs.push(join(tarballDir, report.filename));
  }

  step("installing the CLI tarball alone into a fresh project (its living-reports packages bundled)");
  const alone = join(work, "cli-alone");
  mkdirSync(alone);
  writeFileSync(
    join(alone, "package.json"),
    `${JSON.stringify({ name: "cli-alone", version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarballs.at(-1)], alone);
  const aloneHelp = sh("npx", ["--no", "--", "living-reports", "--help"], alone, { capture: true });
  if (!aloneHelp.includes("Usage: living-reports"))
    throw new Error(`unexpected --help output:\n${aloneHelp}`);
  const aloneCheck = JSON.parse(
    sh("npx", ["--no", "--", "living-reports", "--json", "crashcheck", "--states", "40"], alone, {
      capture: true,
    }),
  );
  if (aloneCheck.violations !== 0 || aloneCheck.states < 1) {
    throw new Error(`crashcheck from the lone CLI: ${JSON.stringify(aloneCheck)}`);
  }
  console.log(`the lone CLI: --help and crashcheck (${aloneCheck.states} states) work`);

  step("installing the tarballs into a fresh project");
  const project = join(work, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "pack-smoke", version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  // The testkit's root entry is a vitest suite: its users have vitest and fast-check (optional
  // peers, so that the CLI, which only loads `@living-reports/testkit/explorer`, does not pull them).
  const peers = ["vitest@^4.1.0", "fast-check@^4.0.0"];
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs, ...peers], project);

  step("importing every package and using a store on each backend");
  writeFileSync(join(project, "smoke.mjs"), SMOKE_SCRIPT);
  sh(process.execPath, ["smoke.mjs"], project);

  step("typechecking a consumer under NodeNext, strict");
  writeFileSync(join(project, "consumer.ts"), CONSUMER_TYPES);
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  sh(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);

  step(
    "unchanged node:fs code crash-tested in vitest (buggy and correct savers, sync and promises); the explorer's exact counts and the fsync-EIO bug",
  );
  writeNodeFsSmoke(project, writeFileSync, join);
  sh("npx", ["--no", "--", "vitest", "run", "settings.test.mjs", "explorer.test.mjs"], project);

  step("the installed CLI");
  const help = sh("npx", ["--no", "--", "living-reports", "--help"], project, { capture: true });
  if (!help.includes("Usage: living-reports")) throw new Error(`unexpected --help output:\n${help}`);
  const cli = (...args) =>
    sh("npx", ["--no", "--", "living-reports", "--root", "cli-store", ...args], project);
  cli("init");
  cli("create", "Pack smoke", "--tag", "smoke");
  cli("list");
  cli("verify");
  console.log("\npack smoke: OK");
} finally {
  // A pack that failed half-way leaves the CLI's bundled copies behind: never let them shadow
  // the workspace packages.
  sh(process.execPath, [join(repo, "apps/cli/scripts/bundleDeps.mjs"), "--clean"], repo);
  if (keep) console.log(`kept ${work}`);
  else if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
