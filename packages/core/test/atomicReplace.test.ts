import { describe, expect, it } from "vitest";
import { atomicReplace, isTempName } from "../src/durable/atomicReplace.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { FakeBackend, sys } from "./durableFakeBackend.js";

const enc = new TextEncoder();
const TARGET = "r/outline.json";

function setup(): FakeBackend {
  const fake = new FakeBackend();
  fake.dirs.add("r");
  fake.put(TARGET, "old");
  return fake;
}

function leftovers(fake: FakeBackend): string[] {
  return [...fake.files.keys()].filter((p) => p !== TARGET);
}

describe("atomicReplace", () => {
  it("makes exactly the calls temp write + fsync + close + rename + directory fsync", async () => {
    const fake = setup();
    await atomicReplace(fake, TARGET, enc.encode("new"));
    const ops = fake.ops().map((op) => op.replace(/\.tmp-[0-9a-f]{16}/g, ".tmp-X"));
    expect(ops).toEqual([
      "open:wx r/outline.json.tmp-X",
      "write r/outline.json.tmp-X",
      "fsync r/outline.json.tmp-X",
      "close r/outline.json.tmp-X",
      "rename r/outline.json.tmp-X -> r/outline.json",
      "syncDir r",
    ]);
    expect(fake.text(TARGET)).toBe("new");
    expect(fake.syncedText(TARGET)).toBe("new");
    expect(leftovers(fake)).toEqual([]);
  });

  it("skips the directory fsync on request", async () => {
    const fake = setup();
    await atomicReplace(fake, TARGET, enc.encode("new"), { syncDirectory: false });
    expect(fake.ops().some((op) => op.startsWith("syncDir"))).toBe(false);
  });

  it("uses a fresh temp name per write", async () => {
    const fake = setup();
    await atomicReplace(fake, TARGET, enc.encode("a"));
    await atomicReplace(fake, TARGET, enc.encode("b"));
    const temps = new Set(fake.calls.filter((c) => c.op === "open:wx").map((c) => c.path));
    expect(temps.size).toBe(2);
  });

  it("loops on short writes", async () => {
    const fake = setup();
    fake.shortWrites = 3;
    await atomicReplace(fake, TARGET, enc.encode("0123456789"));
    expect(fake.text(TARGET)).toBe("0123456789");
    expect(fake.ops().filter((op) => op.startsWith("write"))).toHaveLength(4);
  });

  const failures: [string, string, string][] = [
    ["open:wx", "ENOSPC", ErrorCode.NO_SPACE],
    ["write", "EIO", ErrorCode.STORAGE_FAILURE],
    ["fsync", "EIO", ErrorCode.FSYNC_FAILED],
    ["close", "EIO", ErrorCode.STORAGE_FAILURE],
    ["rename", "EACCES", ErrorCode.PERMISSION_DENIED],
  ];
  for (const [op, errno, code] of failures) {
    it(`a failing ${op} (${errno}) throws ${code}, leaves the target untouched and no temp file`, async () => {
      const fake = setup();
      fake.fault = (call) => (call.op === op ? sys(errno, call.path) : undefined);
      await expect(atomicReplace(fake, TARGET, enc.encode("new"))).rejects.toMatchObject({ code });
      expect(fake.text(TARGET)).toBe("old");
      expect(leftovers(fake)).toEqual([]);
    });
  }

  it("a failing directory fsync fails the call (the new content is in place but not known durable)", async () => {
    const fake = setup();
    fake.fault = (call) => (call.op === "syncDir" ? sys("EIO", call.path) : undefined);
    await expect(atomicReplace(fake, TARGET, enc.encode("new"))).rejects.toMatchObject({
      code: ErrorCode.FSYNC_FAILED,
    });
    expect(leftovers(fake)).toEqual([]);
  });

  it("a missing directory is NOT_FOUND", async () => {
    const fake = setup();
    await expect(atomicReplace(fake, "nope/outline.json", enc.encode("x"))).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
  });
});

describe("isTempName", () => {
  it("recognises our temp names and the Python module's", () => {
    expect(isTempName("outline.json.tmp-0123456789abcdef")).toBe(true);
    expect(isTempName("by_id/x/index.jsonl.tmp-0123456789abcdef")).toBe(true);
    expect(isTempName("outline.tmp")).toBe(true);
    expect(isTempName("audit.tmp")).toBe(true);
    expect(isTempName("index.tmp")).toBe(true);
  });

  it("leaves everything else alone", () => {
    expect(isTempName("outline.json")).toBe(false);
    expect(isTempName("outline.json.tmp-0123")).toBe(false);
    expect(isTempName("outline.json.tmp-0123456789ABCDEF")).toBe(false);
    expect(isTempName("notes.tmp")).toBe(false);
    expect(isTempName("outline.json.20261125T204531_684637.bak")).toBe(false);
  });
});
