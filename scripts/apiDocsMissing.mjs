// Prints, per package, the `- \`name\` (kind): summary.` lines docs/API.md lacks, taking the kind
// from the declaration and the summary from the first sentence of its TSDoc. An aid for keeping
// the hand-kept page (checked by packages/testkit/test/apiDocs.test.ts); it writes nothing.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const ENTRIES = {
  "@living-reports/core": "packages/core/src/index.ts",
  "@living-reports/node-fs": "packages/node-fs/src/index.ts",
  "@living-reports/memfs": "packages/memfs/src/index.ts",
  "@living-reports/testkit": "packages/testkit/src/index.ts",
  "@living-reports/cli": "apps/cli/src/main.ts",
};
const api = readFileSync("docs/API.md", "utf8");

function resolveModule(from, spec) {
  const base = resolve(dirname(from), spec).replace(/\.(m?)js$/, ".$1ts");
  return [base, base.replace(/\.m?ts$/, "/index.ts")].find((c) => existsSync(c));
}

/** name → { kind, doc } for every name a module exports, following relative re-exports. */
function surface(file, out = new Map(), seen = new Set()) {
  if (seen.has(file)) return out;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const decl =
    /(\/\*\*(?:[^*]|\*(?!\/))*\*\/\s*)?^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
  for (const m of text.matchAll(decl)) {
    const doc = (m[1] ?? "")
      .replace(/^\/\*\*|\*\/$/g, "")
      .split("\n")
      .map((l) => l.replace(/^\s*\*\s?/, ""))
      .join(" ")
      .trim();
    const first = doc.split(/(?<=\.)\s/)[0] ?? "";
    if (!out.has(m[3])) out.set(m[3], { kind: m[2].replace("*", ""), doc: first });
  }
  for (const m of text.matchAll(/^export\s+(?:type\s+)?(?:\*|\{([^}]*)\})\s+from\s*"(\.[^"]+)"/gm)) {
    const target = resolveModule(file, m[2]);
    if (target === undefined) continue;
    const inner = surface(target, new Map(), seen);
    const wanted = m[1]
      ?.split(",")
      .map((s) =>
        s
          .replace(/\/\/.*$/gm, "")
          .trim()
          .replace(/^type\s+/, ""),
      )
      .filter(Boolean);
    for (const [name, info] of inner) {
      if (wanted === undefined) out.set(name, info);
    }
    for (const w of wanted ?? []) {
      const [orig, alias] = w.split(/\s+as\s+/);
      const info = inner.get(orig) ?? surface(target).get(orig) ?? { kind: "?", doc: "" };
      out.set(alias ?? orig, info);
    }
  }
  return out;
}

for (const [pkg, entry] of Object.entries(ENTRIES)) {
  const section = api.split(`## ${pkg}\n`)[1]?.split("\n## ")[0] ?? "";
  const listed = new Set([...section.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]));
  const lines = [...surface(resolve(entry))]
    .filter(([name]) => !listed.has(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { kind, doc }]) => `- \`${name}\` (${kind}): ${doc || "TODO"}`);
  if (lines.length > 0) console.log(`## ${pkg}\n${lines.join("\n")}\n`);
}
