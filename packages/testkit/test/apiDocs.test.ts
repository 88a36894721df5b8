import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/API.md is kept by hand (TypeScript 7 has no compiler API for typedoc): this test holds it
// to the truth. It reads each package's public surface from its entry source file, following
// `export *` and `export { … } from` through the package's own modules, so it needs no build
// (the other packages may not be built yet when the testkit's tests run).

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** Each published package and the source file its `exports["."]` is built from. */
const ENTRIES: Record<string, string> = {
  "@living-reports/core": "packages/core/src/index.ts",
  "@living-reports/node-fs": "packages/node-fs/src/index.ts",
  "@living-reports/memfs": "packages/memfs/src/index.ts",
  "@living-reports/testkit": "packages/testkit/src/index.ts",
  "@living-reports/cli": "apps/cli/src/main.ts",
};

const IDENT = "[A-Za-z_$][\\w$]*";
const DECLARATION = new RegExp(
  `^export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?` +
    `(?:function\\*?|const|let|var|class|interface|type|enum|namespace)\\s+(${IDENT})`,
  "gm",
);
const STAR = new RegExp(`^export\\s+\\*(?:\\s+as\\s+(${IDENT}))?\\s+from\\s*"([^"]+)"`, "gm");
const LIST = /^export\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*"([^"]+)")?/gm;
const SPECIFIER = new RegExp(`^(?:type\\s+)?(${IDENT})(?:\\s+as\\s+(${IDENT}))?$`);

/** The module a relative specifier names (`./x.js` → `./x.ts`, or `./x/index.ts`). */
function resolveModule(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier).replace(/\.(m?)js$/, ".$1ts");
  const found = [base, base.replace(/\.m?ts$/, "/index.ts")].find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`${from}: cannot resolve "${specifier}"`);
  return found;
}

/**
 * The names a module exports, values and types alike. Re-exports from other packages are taken
 * as named (their names are this package's exports too). Throws on a specifier it cannot read,
 * so that an export form this parser does not know fails loudly instead of being missed.
 */
function exportedNames(file: string, seen: Map<string, Set<string>> = new Map()): Set<string> {
  const cached = seen.get(file);
  if (cached !== undefined) return cached;
  const names = new Set<string>();
  seen.set(file, names);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(DECLARATION)) names.add(m[1]!);
  for (const m of text.matchAll(STAR)) {
    const [, alias, specifier] = m;
    if (alias !== undefined) names.add(alias);
    else if (specifier!.startsWith(".")) {
      for (const name of exportedNames(resolveModule(file, specifier!), seen)) {
        if (name !== "default") names.add(name);
      }
    } else throw new Error(`${file}: cannot list \`export * from "${specifier}"\` (another package)`);
  }
  for (const m of text.matchAll(LIST)) {
    const specifiers = m[1]!.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "").split(",");
    for (const raw of specifiers.map((s) => s.trim()).filter((s) => s !== "")) {
      const parsed = SPECIFIER.exec(raw);
      if (parsed === null) throw new Error(`${file}: cannot read export specifier "${raw}"`);
      names.add(parsed[2] ?? parsed[1]!);
    }
  }
  return names;
}

/** The names docs/API.md lists under each `## <package>` heading (`- \`name\` …` lines). */
function documentedNames(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^## (\S+)\s*$/.exec(line);
    if (heading !== null) {
      current = [];
      sections.set(heading[1]!, current);
      continue;
    }
    const item = /^- `([^`]+)`/.exec(line);
    if (item !== null && current !== undefined) current.push(item[1]!);
  }
  return sections;
}

const apiDoc = readFileSync(resolve(repo, "docs/API.md"), "utf8");
const documented = documentedNames(apiDoc);

describe("docs/API.md lists exactly the exports of every package", () => {
  it("has one section per published package, and no other", () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ENTRIES).sort());
  });

  for (const [pkg, entry] of Object.entries(ENTRIES)) {
    it(pkg, () => {
      const exported = exportedNames(resolve(repo, entry));
      const listed = documented.get(pkg) ?? [];
      const missing = [...exported].filter((name) => !listed.includes(name)).sort();
      const gone = listed.filter((name) => !exported.has(name)).sort();
      const twice = listed.filter((name, i) => listed.indexOf(name) !== i);
      // One message with every difference, so one run tells the whole fix.
      expect({ missing, gone, twice }, `docs/API.md, section ${pkg}`).toEqual({
        missing: [],
        gone: [],
        twice: [],
      });
    });
  }
});

describe("the export parser behind this check", () => {
  it("reads declarations, lists with aliases and types, and follows export * through modules", () => {
    const names = exportedNames(resolve(repo, ENTRIES["@living-reports/core"]!));
    // A function (via export *), a const and type of one name, a type-only re-export, an interface.
    for (const name of ["openReports", "ErrorCode", "ReportStore", "StorageBackend", "OutlineSchema"]) {
      expect(names).toContain(name);
    }
    // Module-internal names are not exports.
    expect(names).not.toContain("OpenReportStore");
  });

  it("reads `export type { … }` lists, and the sections of a markdown list", () => {
    const testkit = exportedNames(resolve(repo, ENTRIES["@living-reports/testkit"]!));
    expect(testkit).toContain("ConformanceTarget");
    expect(testkit).toContain("TargetRoot");
    const parsed = documentedNames(
      "# T\n\n## @a/b\n\n- `x` (function): y.\n- `Y` (type): z.\ntext\n## @c/d\n",
    );
    expect(Object.fromEntries(parsed)).toEqual({ "@a/b": ["x", "Y"], "@c/d": [] });
  });
});
