import { CRASH_MODES, LivingReportsError, type StorageBackend } from "@living-reports/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemfsDisk, type MemfsDisk } from "../src/index.js";

const DIRS = ["d0", "d1", "d0/e", "d2"] as const;
const FILES = ["", ...DIRS].flatMap((dir) =>
  ["a", "b"].map((name) => (dir === "" ? name : `${dir}/${name}`)),
);
const anyPath = fc.constantFrom(...FILES, ...DIRS);
const file = fc.constantFrom(...FILES);
const dir = fc.constantFrom(...DIRS);

type Op =
  | { op: "create"; path: string; mode: "w" | "wx" | "a" }
  | { op: "write"; path: string; offset: number; length: number }
  | { op: "append"; path: string; length: number }
  | { op: "truncate"; path: string; length: number }
  | { op: "syncFile"; path: string }
  | { op: "rename"; from: string; to: string }
  | { op: "link"; from: string; to: string }
  | { op: "unlink"; path: string }
  | { op: "mkdir"; path: string }
  | { op: "rmdir"; path: string }
  | { op: "syncDir"; path: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("create" as const),
    path: file,
    mode: fc.constantFrom("w" as const, "wx" as const, "a" as const),
  }),
  fc.record({
    op: fc.constant("write" as const),
    path: file,
    offset: fc.nat(8),
    length: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ op: fc.constant("append" as const), path: file, length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant("truncate" as const), path: file, length: fc.nat(10) }),
  fc.record({ op: fc.constant("syncFile" as const), path: file }),
  { arbitrary: fc.record({ op: fc.constant("rename" as const), from: anyPath, to: anyPath }), weight: 3 },
  fc.record({ op: fc.constant("link" as const), from: file, to: file }),
  fc.record({ op: fc.constant("unlink" as const), path: file }),
  { arbitrary: fc.record({ op: fc.constant("mkdir" as const), path: dir }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("rmdir" as const), path: dir }), weight: 2 },
  fc.record({ op: fc.constant("syncDir" as const), path: fc.constantFrom("", ...DIRS) }),
);

/** Where each write tag was written: every byte of a write is its tag, so bytes can be traced. */
type WriteLog = Map<number, { offset: number; length: number }>;

const EXPECTED_FAILURES = new Set(["NOT_FOUND", "ALREADY_EXISTS", "WRONG_KIND", "PERMISSION_DENIED"]);
const EXPECTED_SYSCODES = new Set(["ENOTEMPTY", "EINVAL", "EBUSY"]);

/** How many ops of each kind succeeded over a whole property run (to prove it exercised them). */
type Coverage = Map<string, number>;

/** Runs the ops; the ones the filesystem refuses (missing file, non-empty dir...) are skipped. */
async function run(
  backend: StorageBackend,
  ops: readonly Op[],
  writes: WriteLog,
  coverage: Coverage,
): Promise<void> {
  for (const op of ops) {
    try {
      await apply(backend, op, writes);
      const kind = op.op === "rename" && dirOf(op.from) !== dirOf(op.to) ? "crossRename" : op.op;
      coverage.set(kind, (coverage.get(kind) ?? 0) + 1);
    } catch (err) {
      const expected =
        err instanceof LivingReportsError &&
        (EXPECTED_FAILURES.has(err.code) ||
          (err.syscode !== undefined && EXPECTED_SYSCODES.has(err.syscode)));
      if (!expected) throw err;
    }
  }
}

function dirOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

/** Every op kind (cross-directory renames apart) must have succeeded a few times over the run. */
function expectCoverage(coverage: Coverage): void {
  const kinds = [
    "create",
    "write",
    "append",
    "truncate",
    "syncFile",
    "rename",
    "crossRename",
    "link",
    "unlink",
  ];
  for (const kind of [...kinds, "mkdir", "rmdir", "syncDir"])
    expect(coverage.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(5);
}

/** The starting disk: the directories exist (durably), so most ops find what they need. */
function startDisk(): MemfsDisk {
  return createMemfsDisk({ files: { "d0/e/b": "", "d1/b": "" } });
}

async function apply(b: StorageBackend, op: Op, writes: WriteLog): Promise<void> {
  const tagged = (length: number): Uint8Array => new Uint8Array(length).fill(writes.size + 1);
  switch (op.op) {
    case "create":
      return (await b.open(op.path, op.mode)).close();
    case "write":
    case "append": {
      const h = await b.open(op.path, op.op === "write" ? "r+" : "a");
      const offset = op.op === "write" ? op.offset : (await h.stat()).size;
      await h.write(tagged(op.length), offset);
      writes.set(writes.size + 1, { offset, length: op.length });
      return h.close();
    }
    case "truncate":
    case "syncFile": {
      const h = await b.open(op.path, "r+");
      await (op.op === "truncate" ? h.truncate(op.length) : h.sync());
      return h.close();
    }
    case "rename":
      return b.rename(op.from, op.to);
    case "link":
      return b.link(op.from, op.to);
    case "unlink":
      return b.unlink(op.path);
    case "mkdir":
      return b.mkdir(op.path);
    case "rmdir":
      return b.rmdir(op.path);
    case "syncDir":
      return b.syncDir(op.path);
  }
}

/** fsync of every live file and directory. */
async function syncEverything(disk: MemfsDisk, b: StorageBackend): Promise<void> {
  for (const [path, content] of Object.entries(disk.toJSON())) {
    if (content === null) await b.syncDir(path);
    else {
      const h = await b.open(path, "r");
      await h.sync();
      await h.close();
    }
  }
  await b.syncDir("");
}

const modeArb = fc.constantFrom(...CRASH_MODES);
const ops = fc.array(opArb, { minLength: 5, maxLength: 40 });

describe("memfs durability model properties", () => {
  it("after syncing everything, a crash in any mode leaves exactly the live state", async () => {
    const coverage: Coverage = new Map();
    await fc.assert(
      fc.asyncProperty(ops, modeArb, fc.nat(), async (sequence, mode, seed) => {
        const disk = startDisk();
        const b = disk.backend();
        await run(b, sequence, new Map(), coverage);
        await syncEverything(disk, b);
        expect(disk.crash({ mode, seed }).toJSON()).toEqual(disk.toJSON());
      }),
      { seed: 20250101, numRuns: 120 },
    );
    expectCoverage(coverage);
  });

  it("a crash never produces bytes that were never written at that offset", async () => {
    const coverage: Coverage = new Map();
    await fc.assert(
      fc.asyncProperty(ops, modeArb, fc.nat(), async (sequence, mode, seed) => {
        const disk = startDisk();
        const writes: WriteLog = new Map();
        await run(disk.backend(), sequence, writes, coverage);
        const crashed = disk.crash({ mode, seed });
        for (const content of Object.values(crashed.toJSON())) {
          if (content === null) continue;
          [...content].forEach((char, i) => {
            const tag = char.charCodeAt(0);
            if (tag === 0) return;
            const write = writes.get(tag);
            expect(write, `byte ${tag} at ${i} was never written`).toBeDefined();
            if (write !== undefined) expect(i >= write.offset && i < write.offset + write.length).toBe(true);
          });
        }
        // Everything on a crashed disk is durable.
        expect(crashed.crash({ mode: "drop" }).toJSON()).toEqual(crashed.toJSON());
      }),
      { seed: 42, numRuns: 120 },
    );
    expectCoverage(coverage);
  });
});
