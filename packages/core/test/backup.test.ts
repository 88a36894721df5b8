import { describe, expect, it } from "vitest";
import { backupName, makeBackup, parseBackupName } from "../src/durable/backup.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { FakeBackend } from "./durableFakeBackend.js";

const AT = new Date(Date.UTC(2026, 10, 25, 20, 45, 31, 684));

describe("backupName", () => {
  it("names as the Python module: UTC, 6-digit microseconds from milliseconds", () => {
    expect(backupName(AT, new Set())).toBe("outline.json.20261125T204531_684000.bak");
    expect(backupName(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), new Set())).toBe(
      "outline.json.20260102T030405_006000.bak",
    );
  });

  it("bumps the microseconds until the name is free", () => {
    const taken = new Set<string>();
    const names = Array.from({ length: 5 }, () => {
      const name = backupName(AT, taken);
      taken.add(name);
      return name;
    });
    expect(names).toEqual([0, 1, 2, 3, 4].map((i) => `outline.json.20261125T204531_68400${i}.bak`));
    expect([...names].sort()).toEqual(names);
  });

  it("carries into the seconds at the end of a second", () => {
    const last = new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 999));
    const taken = new Set<string>();
    for (let i = 0; i < 1000; i++) taken.add(backupName(last, taken));
    expect(backupName(last, taken)).toBe("outline.json.20270101T000000_000000.bak");
  });

  it("parses back to the instant it encodes", () => {
    expect(parseBackupName("outline.json.20261125T204531_684637.bak")).toBe(AT.getTime() * 1000 + 637);
    expect(parseBackupName("outline.json.bak")).toBeNull();
    expect(parseBackupName("outline.json.20261125T204531_68463.bak")).toBeNull();
    expect(parseBackupName("outline.json.20261325T204531_684637.bak")).toBeNull();
    expect(parseBackupName("outline.json.20261125T206131_684637.bak")).toBeNull();
  });
});

describe("makeBackup", () => {
  function setup(hardLinks: boolean): FakeBackend {
    const fake = new FakeBackend({ hardLinks });
    fake.dirs.add("r");
    fake.dirs.add("r/backups");
    fake.put("r/outline.json", "v1");
    return fake;
  }

  it("hard-links and syncs the backups directory when links work", async () => {
    const fake = setup(true);
    expect(await makeBackup(fake, "r/outline.json", "r/backups/b1.bak")).toBe("link");
    expect(fake.ops()).toEqual(["link r/outline.json -> r/backups/b1.bak", "syncDir r/backups"]);
    expect(fake.text("r/backups/b1.bak")).toBe("v1");
  });

  it("copies durably (temp, fsync, rename, directory fsync) without links", async () => {
    const fake = setup(false);
    expect(await makeBackup(fake, "r/outline.json", "r/backups/b1.bak")).toBe("copy");
    const ops = fake.ops().map((op) => op.replace(/\.tmp-[0-9a-f]{16}/g, ".tmp-X"));
    expect(ops).toEqual([
      "stat r/backups/b1.bak",
      "readFile r/outline.json",
      "open:wx r/backups/b1.bak.tmp-X",
      "write r/backups/b1.bak.tmp-X",
      "fsync r/backups/b1.bak.tmp-X",
      "close r/backups/b1.bak.tmp-X",
      "rename r/backups/b1.bak.tmp-X -> r/backups/b1.bak",
      "syncDir r/backups",
    ]);
    expect(fake.syncedText("r/backups/b1.bak")).toBe("v1");
  });

  for (const hardLinks of [true, false]) {
    it(`never overwrites an existing backup (hardLinks: ${hardLinks})`, async () => {
      const fake = setup(hardLinks);
      fake.put("r/backups/b1.bak", "older");
      await expect(makeBackup(fake, "r/outline.json", "r/backups/b1.bak")).rejects.toMatchObject({
        code: ErrorCode.ALREADY_EXISTS,
      });
      expect(fake.text("r/backups/b1.bak")).toBe("older");
    });

    it(`fails NOT_FOUND without a source (hardLinks: ${hardLinks})`, async () => {
      const fake = setup(hardLinks);
      await expect(makeBackup(fake, "r/missing.json", "r/backups/b1.bak")).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
    });
  }
});
