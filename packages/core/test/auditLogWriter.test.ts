import { describe, expect, it } from "vitest";
import { encodeAuditLine } from "../src/durable/auditLine.js";
import { AuditLog } from "../src/durable/auditLog.js";
import { type AuditLine, parseAuditLog } from "../src/durable/parseAuditLog.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { EMPTY_SHA256 } from "../src/util/hash.js";
import { FakeBackend, sys } from "./durableFakeBackend.js";

const LOG = "r/audit.jsonl";

function setup(): FakeBackend {
  const fake = new FakeBackend();
  fake.dirs.add("r");
  return fake;
}

/** Holds every sync until released; `waiting` resolves when the first one is in flight. */
function gate(fake: FakeBackend): { waiting: Promise<void>; release: () => void } {
  let release!: () => void;
  let entered!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const waiting = new Promise<void>((resolve) => {
    entered = resolve;
  });
  fake.syncGate = () => {
    entered();
    return held;
  };
  return { waiting, release };
}

const count = (fake: FakeBackend, op: string) => fake.calls.filter((c) => c.op === op).length;

describe("AuditLog", () => {
  it("creates the log on the first append and syncs its directory once", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    expect(await log.open()).toMatchObject({ lines: [], validBytes: 0 });
    expect(fake.files.has(LOG)).toBe(false);
    await log.append({ n: 1 });
    await log.append({ n: 2 });
    expect(fake.ops().filter((op) => !op.startsWith("readFile"))).toEqual([
      `open:a ${LOG}`,
      `write ${LOG}`,
      `fdatasync ${LOG}`,
      "syncDir r",
      `write ${LOG}`,
      `fdatasync ${LOG}`,
    ]);
    await log.close();
    const r = parseAuditLog(await fake.readFile(LOG));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.record)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("returns each line as the parser will read it", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await log.open();
    const a = await log.append({ n: 1, gone: undefined });
    const b = await log.append({ n: 2 });
    const r = parseAuditLog(await fake.readFile(LOG));
    expect(r.lines).toEqual([a, b]);
  });

  it("group commit: appends made during a datasync share the next write and datasync", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await log.open();
    await log.append({ n: 0 });
    const { waiting, release } = gate(fake);
    const writesBefore = count(fake, "write");
    const syncsBefore = count(fake, "fdatasync");
    const durableWhenResolved: boolean[] = [];
    const track = (p: Promise<AuditLine>) =>
      p.then((line) => {
        durableWhenResolved.push(fake.syncedText(LOG).includes(line.raw));
        return line;
      });
    const first = track(log.append({ n: 1 }));
    await waiting;
    const rest = Array.from({ length: 9 }, (_, i) => track(log.append({ n: i + 2 })));
    release();
    const lines = await Promise.all([first, ...rest]);
    expect(count(fake, "write") - writesBefore).toBe(2);
    expect(count(fake, "fdatasync") - syncsBefore).toBe(2);
    expect(durableWhenResolved).toEqual(Array(10).fill(true));
    const r = parseAuditLog(await fake.readFile(LOG));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.record.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines.map((l) => l.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("appends made in one tick go out in one write and one datasync", async () => {
    const fake = setup();
    fake.put(LOG, "");
    const log = new AuditLog(fake, LOG);
    await log.open();
    await Promise.all(Array.from({ length: 20 }, (_, n) => log.append({ n })));
    expect(count(fake, "write")).toBe(1);
    expect(count(fake, "fdatasync")).toBe(1);
  });

  it("a failed datasync fails the whole batch, cuts it off and refuses further appends", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await log.open();
    await log.append({ n: 0 });
    const size = fake.files.get(LOG)!.data.byteLength;
    fake.fault = (call) => (call.op === "fdatasync" ? sys("EIO", call.path) : undefined);
    const results = await Promise.allSettled([log.append({ n: 1 }), log.append({ n: 2 })]);
    for (const r of results)
      expect(r).toMatchObject({ status: "rejected", reason: { code: ErrorCode.FSYNC_FAILED } });
    expect(fake.files.get(LOG)!.data.byteLength).toBe(size);
    fake.fault = undefined;
    await expect(log.append({ n: 3 })).rejects.toMatchObject({ code: ErrorCode.FSYNC_FAILED });
    await log.open();
    await log.append({ n: 4 });
    expect(parseAuditLog(await fake.readFile(LOG)).lines.map((l) => l.record.n)).toEqual([0, 4]);
  });

  it("a failed write fails its callers with the mapped error", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await log.open();
    fake.fault = (call) => (call.op === "write" ? sys("ENOSPC", call.path) : undefined);
    await expect(log.append({ n: 1 })).rejects.toMatchObject({ code: ErrorCode.NO_SPACE });
  });

  it("refuses to append after an unrepaired torn tail, and cuts it with repairTail", async () => {
    const fake = setup();
    const first = encodeAuditLine({ n: 1 }, EMPTY_SHA256);
    fake.put(LOG, `${first.text}{"n": 2, "tor`);
    const log = new AuditLog(fake, LOG);
    const seen = await log.open();
    expect(seen.tornTail).not.toBeNull();
    await expect(log.append({ n: 3 })).rejects.toMatchObject({ code: ErrorCode.CORRUPT_LOG, line: 2 });
    expect(fake.text(LOG)).toContain("tor");
    const repaired = await log.open({ repairTail: true });
    expect(repaired.tornTail).not.toBeNull();
    expect(fake.syncedText(LOG)).toBe(first.text);
    const line = await log.append({ n: 3 });
    expect(line.line).toBe(2);
    const r = parseAuditLog(await fake.readFile(LOG));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.record.n)).toEqual([1, 3]);
  });

  it("appends after legacy lines chain to them", async () => {
    const fake = setup();
    fake.put(LOG, '{"action_id": "a"}\n{"action_id": "b"}\n');
    const log = new AuditLog(fake, LOG);
    await log.open();
    expect((await log.append({ action_id: "c" })).line).toBe(3);
    const r = parseAuditLog(await fake.readFile(LOG));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.kind)).toEqual(["legacy", "legacy", "framed"]);
  });

  it("refuses records it cannot encode without writing or breaking the log", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await log.open();
    await expect(log.append({ sha256: "x" })).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
    await log.append({ n: 1 });
    expect(parseAuditLog(await fake.readFile(LOG)).lines).toHaveLength(1);
  });

  it("fails with CLOSED before open and after close; close waits for appends in flight", async () => {
    const fake = setup();
    const log = new AuditLog(fake, LOG);
    await expect(log.append({ n: 1 })).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await log.open();
    const pending = log.append({ n: 1 });
    await log.close();
    await expect(pending).resolves.toMatchObject({ line: 1 });
    await expect(log.append({ n: 2 })).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    expect(fake.ops().at(-1)).toBe(`close ${LOG}`);
  });

  it("maps a read failure on open", async () => {
    const fake = setup();
    fake.fault = (call) => (call.op === "readFile" ? sys("EACCES", call.path) : undefined);
    await expect(new AuditLog(fake, LOG).open()).rejects.toMatchObject({ code: ErrorCode.PERMISSION_DENIED });
  });
});
