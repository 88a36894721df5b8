// Five popular npm packages that save files, crash-tested UNCHANGED on a node:fs that loses
// power: each saves a settings file three times; the crash explorer cuts the power after every
// backend call, in every crash mode, and checks that the last acknowledged save is on disk.
// Each expectation below is a finding (see docs/CRASH-TESTING.md): if a package changes, the test
// says so instead of silently passing.
import { requireWithFs } from "@living-reports/memfs/vitest";
import { describe, expect, it, vi } from "vitest";
import { getFs } from "../src/currentFs.js";
import {
  CORRUPT_EMPTY,
  CORRUPT_GARBAGE,
  FILE,
  type Finding,
  findings,
  LOST_MISSING,
  LOST_OLDER,
  MODES,
  type Mode,
  report,
  settings,
  threeSaves,
} from "../src/harness.js";
import { saveDurably } from "../src/referenceSave.js";

// ES-module packages import node:fs: vi.mock gives them the simulated disk (they are inlined in
// vitest.config.ts). The factories import what they need themselves: vi.mock is hoisted.
vi.mock("node:fs", async () =>
  (await import("@living-reports/memfs/vitest")).mockNodeFs((await import("../src/currentFs.js")).getFs),
);
vi.mock("node:fs/promises", async () =>
  (await import("@living-reports/memfs/vitest")).mockNodeFsPromises(
    (await import("../src/currentFs.js")).getFs,
  ),
);

const text = (version: number) => JSON.stringify(settings(version));
const CORRUPT = [CORRUPT_EMPTY, CORRUPT_GARBAGE];

/** Runs the explorer once per package, prints the report, and hands the findings to the tests. */
function explore(name: string, found: () => Promise<Record<Mode, Finding>>) {
  let cached: Promise<Record<Mode, Finding>> | undefined;
  return async () => {
    cached ??= found().then((f) => {
      console.log(report(name, f));
      return f;
    });
    return cached;
  };
}

/** True when `trace` has `first` and, after it, `then`. */
function before(trace: string | undefined, first: string, then: string): boolean {
  const at = trace?.indexOf(first) ?? -1;
  return at >= 0 && (trace?.indexOf(then, at) ?? -1) > at;
}

/** Every kind found in any mode. */
const allKinds = (f: Record<Mode, Finding>) => new Set(MODES.flatMap((m) => f[m].kinds));

describe("write-file-atomic 7 (CommonJS, loaded with requireWithFs)", () => {
  const found = explore("write-file-atomic", () =>
    findings(
      threeSaves("write-file-atomic", () => {
        const writeFileAtomic = requireWithFs<(f: string, d: string) => Promise<void>>(
          "write-file-atomic",
          getFs,
          import.meta.url,
        );
        return (v) => writeFileAtomic(FILE, text(v));
      }),
    ),
  );

  it("loses an acknowledged save in mode drop: the rename is never made durable (no directory fsync)", async () => {
    const f = await found();
    expect(f.drop.kinds).toContain(LOST_MISSING);
    expect(before(f.drop.smallest?.trace, " sync h1 ", " rename ")).toBe(true);
    expect(f.drop.smallest?.trace).not.toContain("syncDir");
  });

  it("leaves an older version in mode prefix, but never a corrupt file (it fsyncs before the rename)", async () => {
    const f = await found();
    expect(f.prefix.kinds).toContain(LOST_OLDER);
    for (const kind of CORRUPT) expect(allKinds(f)).not.toContain(kind);
  });
});

describe("fs-extra 11 outputJson (CommonJS, loaded with requireWithFs)", () => {
  const found = explore("fs-extra outputJson", () =>
    findings(
      threeSaves("fs-extra outputJson", () => {
        const fse = requireWithFs<{ outputJson(f: string, d: unknown): Promise<void> }>(
          "fs-extra",
          getFs,
          import.meta.url,
        );
        return (v) => fse.outputJson(FILE, settings(v));
      }),
    ),
  );

  it("loses an acknowledged save in mode drop: it writes in place and syncs nothing", async () => {
    const f = await found();
    expect(f.drop.kinds).toContain(LOST_MISSING);
    expect(f.drop.smallest?.trace).not.toMatch(/ sync |syncDir/);
  });

  it("can leave an empty file in mode prefix and invalid JSON in mode torn: earlier saves are lost too", async () => {
    const f = await found();
    expect(f.prefix.kinds).toContain(CORRUPT_EMPTY);
    expect(f.torn.kinds).toContain(CORRUPT_GARBAGE);
  });
});

describe("steno 4 (lowdb's writer; ES module, through vi.mock)", () => {
  const found = explore("steno", () =>
    findings(
      threeSaves("steno", async () => {
        const { Writer } = await import("steno");
        const writer = new Writer(FILE);
        return (v) => writer.write(text(v));
      }),
    ),
  );

  it("loses an acknowledged save in mode drop: temp file + rename with no fsync at all", async () => {
    const f = await found();
    expect(f.drop.kinds).toContain(LOST_MISSING);
    expect(f.drop.smallest?.trace).toContain("rename");
    expect(f.drop.smallest?.trace).not.toMatch(/ sync |syncDir/);
  });

  it("can leave an empty file in mode prefix (the rename survives, the data does not) and invalid JSON in mode torn", async () => {
    const f = await found();
    expect(f.prefix.kinds).toContain(CORRUPT_EMPTY);
    expect(f.torn.kinds).toContain(CORRUPT_GARBAGE);
  });
});

describe("atomically 2 (ES module, through vi.mock)", () => {
  const found = explore("atomically", () =>
    findings(
      threeSaves("atomically", async () => {
        const { writeFile } = await import("atomically");
        return (v) => writeFile(FILE, text(v));
      }),
    ),
  );

  it("loses an acknowledged save in mode drop: it fsyncs the file but not the directory", async () => {
    const f = await found();
    expect(f.drop.kinds).toContain(LOST_MISSING);
    expect(before(f.drop.smallest?.trace, " sync h1 ", " rename ")).toBe(true);
    expect(f.drop.smallest?.trace).not.toContain("syncDir");
  });

  it("leaves an older version in mode prefix, never a corrupt file", async () => {
    const f = await found();
    expect(f.prefix.kinds).toContain(LOST_OLDER);
    for (const kind of CORRUPT) expect(allKinds(f)).not.toContain(kind);
  });
});

describe("a hand-written save with fsync, rename and directory fsync (node:fs/promises)", () => {
  const found = explore("reference save", () =>
    findings(threeSaves("reference save", () => (v) => saveDurably(FILE, text(v)))),
  );

  it("keeps every acknowledged save, in every crash mode", async () => {
    const f = await found();
    for (const mode of MODES) {
      expect({
        mode,
        violations: f[mode].violations,
        explored: f[mode].exhausted || f[mode].states > 20,
      }).toEqual({
        mode,
        violations: 0,
        explored: true,
      });
    }
  });
});
