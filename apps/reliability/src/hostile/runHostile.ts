import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  isLivingReportsError,
  type OpenReportsOptions,
  openReports,
  type StorageBackend,
} from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { makeRunDir, removeRunDir, seedReports } from "../runDir.js";
import type { HostileCase, HostileWorld } from "./hostileCases.js";

/** The verdict on one hostile case. */
export interface HostileResult {
  name: string;
  /** The error code it ended in (`RESOLVED` if the store accepted it, `UNTYPED` for a plain Error). */
  code: string;
  /** Paths that changed in the store or outside it (must be none). */
  changed: string[];
  /** Refused with an expected code and nothing changed. */
  refused: boolean;
}

/**
 * Runs each case in a fresh world: a store with one report and a directory beside the root
 * (symlink targets). The case arranges its damage, the tree of both directories is snapshot
 * (names, kinds, symlink targets and SHA-256 of bytes; the session locks of `.sessions/`, which
 * every writing store takes, left out), the attempt runs, and the tree must be identical after.
 */
export async function runHostile(cases: readonly HostileCase[]): Promise<HostileResult[]> {
  const results: HostileResult[] = [];
  for (const c of cases) results.push(await runOne(c));
  return results;
}

async function runOne(c: HostileCase): Promise<HostileResult> {
  const run = makeRunDir("lr-rel-hostile-");
  const outside = nodePath.join(run.base, "outside");
  try {
    const [id] = await seedReports(run, 1);
    if (id === undefined) throw new Error("no report seeded");
    fs.mkdirSync(outside);
    fs.copyFileSync(
      nodePath.join(run.root, "by_id", id, "outline.json"),
      nodePath.join(outside, "outline.json"),
    );
    fs.writeFileSync(nodePath.join(outside, "secret.txt"), "outside the root\n");
    const open = (wrap?: (b: StorageBackend) => StorageBackend, options: OpenReportsOptions = {}) => {
      const backend = nodeFsBackend({ root: run.root });
      return openReports(wrap === undefined ? backend : wrap(backend), options);
    };
    const store = await open();
    const world: HostileWorld = { root: run.root, outside, id, spare: randomUUID(), store, open };
    try {
      c.arrange?.(world);
      const before = snapshot(run.base);
      const code = await c.attempt(world).then(
        () => "RESOLVED",
        (err: unknown) => (isLivingReportsError(err) ? err.code : "UNTYPED"),
      );
      const changed = diff(before, snapshot(run.base));
      return { name: c.name, code, changed, refused: c.codes.includes(code) && changed.length === 0 };
    } finally {
      await store.close().catch(() => undefined);
    }
  } finally {
    removeRunDir(run);
  }
}

/** Every path under `dir` (symlinks not followed) and a digest of what it is. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(nodePath.join(dir, rel))) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (path.startsWith("store/.sessions/") || path.startsWith("journals")) continue;
      const abs = nodePath.join(dir, path);
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) out.set(path, `link:${fs.readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.set(path, "dir");
        walk(path);
      } else out.set(path, createHash("sha256").update(fs.readFileSync(abs)).digest("hex"));
    }
  };
  walk("");
  return out;
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, v] of before)
    if (after.get(path) !== v) changed.push(`${after.has(path) ? "~" : "-"} ${path}`);
  for (const path of after.keys()) if (!before.has(path)) changed.push(`+ ${path}`);
  return changed.sort();
}
