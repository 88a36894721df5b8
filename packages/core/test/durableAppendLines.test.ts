import { describe, expect, it } from "vitest";
import { appendLines, writeLinesOnce } from "../src/durable/appendLines.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { FakeBackend, sys } from "./durableFakeBackend.js";

describe("appendLines", () => {
  it("opens for append, writes once, closes; datasyncs only when asked", async () => {
    const fake = new FakeBackend();
    await appendLines(fake, "index.jsonl", '{"a":1}\n');
    await appendLines(fake, "index.jsonl", '{"a":2}\n', { sync: true });
    expect(fake.ops()).toEqual([
      "open:a index.jsonl",
      "write index.jsonl",
      "close index.jsonl",
      "open:a index.jsonl",
      "write index.jsonl",
      "fdatasync index.jsonl",
      "close index.jsonl",
    ]);
    expect(fake.text("index.jsonl")).toBe('{"a":1}\n{"a":2}\n');
    expect(fake.syncedText("index.jsonl")).toBe('{"a":1}\n{"a":2}\n');
  });

  it("maps failures and still closes the file", async () => {
    const fake = new FakeBackend();
    fake.fault = (call) => (call.op === "fdatasync" ? sys("EIO", call.path) : undefined);
    await expect(appendLines(fake, "index.jsonl", "x\n", { sync: true })).rejects.toMatchObject({
      code: ErrorCode.FSYNC_FAILED,
    });
    expect(fake.ops().at(-1)).toBe("close index.jsonl");
    fake.fault = (call) => (call.op === "open:a" ? sys("EROFS", call.path) : undefined);
    await expect(appendLines(fake, "index.jsonl", "x\n")).rejects.toMatchObject({
      code: ErrorCode.READ_ONLY,
    });
  });

  it("writeLinesOnce writes once; a short write is an error, never finished by a second write", async () => {
    const fake = new FakeBackend();
    const handle = await fake.open("index.jsonl", "a");
    await writeLinesOnce(handle, new TextEncoder().encode('{"a":1}\n'));
    fake.shortWrites = 3;
    await expect(writeLinesOnce(handle, new TextEncoder().encode('{"a":2}\n'))).rejects.toMatchObject({
      code: ErrorCode.STORAGE_FAILURE,
    });
    await handle.close();
    // Another appender's line could have come between two writes: the torn part is left for a rebuild.
    expect(fake.ops().filter((op) => op === "write index.jsonl")).toHaveLength(2);
    expect(fake.text("index.jsonl")).toBe('{"a":1}\n{"a');
  });
});
