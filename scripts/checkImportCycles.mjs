#!/usr/bin/env node
// Fails when the runtime imports of the workspace's TypeScript sources form a cycle, between
// files of one package, or between the folders of the report store (packages/core/src/store):
// those folders are the layers of the write path (shared < audit, index, session, ... <
// recovery < commit < operations), and a layer importing one above it is a cycle in the design
// even when no two files import each other. `import type` / `export type` statements are erased
// by the compiler (verbatimModuleSyntax) and so are not counted; an import with inline `type`
// specifiers next to values is.
// Usage: node scripts/checkImportCycles.mjs   (exit 1 and the cycles on stderr when there are any)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STORE = join(root, "packages", "core", "src", "store");

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function srcDirs() {
  const dirs = [];
  for (const group of ["packages", "apps"]) {
    for (const name of readdirSync(join(root, group))) {
      const src = join(root, group, name, "src");
      try {
        if (statSync(src).isDirectory()) dirs.push(src);
      } catch {
        // A package without src/ has nothing to check.
      }
    }
  }
  return dirs;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^"';]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm;

/** The files `file` imports at runtime (relative specifiers only: packages import each other by name). */
function runtimeImports(file) {
  const text = readFileSync(file, "utf8");
  const targets = [];
  for (const m of text.matchAll(IMPORT)) {
    if (m[2] !== undefined) continue;
    const target = resolve(dirname(file), m[4].replace(/\.js$/, ".ts"));
    targets.push(target);
  }
  return targets;
}

/** Strongly connected components with more than one node (or a self-loop): the cycles. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const found = [];
  function visit(v) {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(scc.sort());
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const fileGraph = new Map();
for (const dir of srcDirs()) for (const file of walk(dir)) fileGraph.set(file, new Set(runtimeImports(file)));

// The store's folders: a file directly in store/ is the facade (the top layer).
const folderOf = (file) => {
  const rel = relative(STORE, file);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? "(store facade)" : parts[0];
};
const folderGraph = new Map();
const folderEdges = new Map();
for (const [file, targets] of fileGraph) {
  const from = folderOf(file);
  if (from === undefined) continue;
  if (!folderGraph.has(from)) folderGraph.set(from, new Set());
  for (const target of targets) {
    const to = folderOf(target);
    if (to === undefined || to === from) continue;
    folderGraph.get(from).add(to);
    folderEdges.set(`${from} -> ${to}`, `${relative(root, file)} imports ${relative(root, target)}`);
  }
}
for (const to of [...folderGraph.values()].flatMap((s) => [...s]))
  if (!folderGraph.has(to)) folderGraph.set(to, new Set());

const fileCycles = cycles(fileGraph);
const folderCycles = cycles(folderGraph);
for (const scc of fileCycles) {
  console.error(`import cycle between files:\n  ${scc.map((f) => relative(root, f)).join("\n  ")}`);
}
for (const scc of folderCycles) {
  const edges = [...folderEdges].filter(([edge]) => {
    const [a, b] = edge.split(" -> ");
    return scc.includes(a) && scc.includes(b);
  });
  console.error(
    `import cycle between store folders ${scc.join(", ")}:\n  ${edges.map(([e, why]) => `${e}: ${why}`).join("\n  ")}`,
  );
}
if (fileCycles.length > 0 || folderCycles.length > 0) process.exit(1);
console.log(
  `no import cycles (${fileGraph.size} files; store folders: ${[...folderGraph.keys()].sort().join(", ")})`,
);
