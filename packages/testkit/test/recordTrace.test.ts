import { ErrorCode, LivingReportsError } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { recordTrace } from "../src/trace/recordTrace.js";
import { TRACE_OPS } from "../src/trace/traceEvent.js";
import { FakeBackend, RecordingLockPrimitive } from "./support/fakeBackend.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("recordTrace", () => {
  it("records every backend and handle op with its path, handle, arguments and result", async () => {
    const { backend, trace } = recordTrace(new FakeBackend());
    await backend.mkdir("d");
    const handle = await backend.open("d/f", "wx");
    await handle.write(bytes("hello"), 0);
    await handle.write(bytes("!"));
    await handle.sync();
    await handle.datasync();
    await handle.truncate(2);
    await handle.stat();
    await handle.close();
    const reader = await backend.open("d/f", "r");
    await reader.read(3, 1);
    await reader.close();
    await backend.syncDir("d");
    await backend.readFile("d/f");
    await backend.link("d/f", "d/g");
    await backend.rename("d/g", "d/h");
    await backend.readdir("d");
    await backend.stat("d/h");
    await backend.utimes("d/h", 1_000);
    await backend.unlink("d/h");
    await backend.unlink("d/f");
    await backend.rmdir("d");
    expect(new Set(trace.map((e) => e.op))).toEqual(new Set(TRACE_OPS));
    expect(trace.map((e) => e.seq)).toEqual(trace.map((_, i) => i));
    expect(trace.every((e) => e.result === "ok")).toBe(true);
    const [mkdir, open, write, append] = trace;
    expect(mkdir).toEqual({ seq: 0, op: "mkdir", path: "d", args: {}, result: "ok" });
    expect(open).toEqual({ seq: 1, op: "open", path: "d/f", handle: 1, args: { mode: "wx" }, result: "ok" });
    expect(write).toEqual({
      seq: 2,
      op: "write",
      path: "d/f",
      handle: 1,
      args: { data: bytes("hello"), position: 0 },
      result: "ok",
      bytes: 5,
    });
    expect(append?.args).toEqual({ data: bytes("!") });
    const read = trace.find((e) => e.op === "read");
    expect(read).toMatchObject({
      op: "read",
      path: "d/f",
      handle: 2,
      args: { length: 3, position: 1 },
      bytes: 1,
    });
    expect(trace.find((e) => e.op === "truncate")?.args).toEqual({ length: 2 });
    expect(trace.find((e) => e.op === "rename")).toMatchObject({ path: "d/g", args: { to: "d/h" } });
    expect(trace.find((e) => e.op === "link")).toMatchObject({ path: "d/f", args: { to: "d/g" } });
    expect(trace.find((e) => e.op === "utimes")?.args).toEqual({ mtimeMs: 1_000 });
    expect(trace.find((e) => e.op === "readFile")?.bytes).toBe(2);
    const handleOps = trace.filter((e) => e.handle !== undefined).map((e) => e.op);
    expect(handleOps.join(" ")).toBe("open write write sync datasync truncate stat close open read close");
  });

  it("keeps a copy of written bytes: reusing the caller's buffer does not change the trace", async () => {
    const { backend, trace } = recordTrace(new FakeBackend());
    const handle = await backend.open("f", "w");
    const buffer = bytes("first");
    await handle.write(buffer, 0);
    buffer.set(bytes("XXXXX"));
    expect(trace.at(-1)?.args.data).toEqual(bytes("first"));
  });

  it("records a failure by its code and rethrows the very same error", async () => {
    const inner = new FakeBackend();
    const { backend, trace } = recordTrace(inner);
    const err = await backend.open("missing", "r").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LivingReportsError);
    expect(trace).toEqual([
      { seq: 0, op: "open", path: "missing", args: { mode: "r" }, result: ErrorCode.NOT_FOUND },
    ]);
    const invalid = await backend.stat("../x").catch((e: unknown) => e);
    expect((invalid as LivingReportsError).code).toBe(ErrorCode.INVALID_PATH);
    expect(trace.at(-1)?.result).toBe(ErrorCode.INVALID_PATH);
  });

  it("records an error that is not a LivingReportsError as STORAGE_FAILURE, passing it through", async () => {
    const inner = new FakeBackend();
    const plain = new Error("boom");
    inner.readdir = () => Promise.reject(plain);
    const { backend, trace } = recordTrace(inner);
    await expect(backend.readdir("")).rejects.toBe(plain);
    expect(trace.at(-1)?.result).toBe(ErrorCode.STORAGE_FAILURE);
  });

  it("gives handles distinct ids, only to opens that succeeded, and keeps them across clear()", async () => {
    const recording = recordTrace(new FakeBackend());
    const { backend, trace } = recording;
    const a = await backend.open("a", "w");
    await backend.open("missing", "r").catch(() => undefined);
    const b = await backend.open("b", "w");
    expect(trace.filter((e) => e.op === "open").map((e) => e.handle)).toEqual([1, undefined, 2]);
    const live = trace;
    recording.clear();
    expect(live).toBe(recording.trace);
    expect(trace).toEqual([]);
    await b.write(bytes("x"), 0);
    await a.close();
    expect(trace.map((e) => [e.seq, e.op, e.path, e.handle])).toEqual([
      [0, "write", "b", 2],
      [1, "close", "a", 1],
    ]);
  });

  it("records concurrent calls in the order they settle", async () => {
    const inner = new FakeBackend();
    const slow = inner.stat.bind(inner);
    inner.stat = async (path) => {
      await new Promise((resolve) => setImmediate(resolve));
      return slow(path);
    };
    const { backend, trace } = recordTrace(inner);
    await Promise.all([backend.stat(""), backend.readdir("")]);
    expect(trace.map((e) => [e.seq, e.op])).toEqual([
      [0, "readdir"],
      [1, "stat"],
    ]);
  });

  it("forwards capabilities, storageId, clock and lockPrimitive(on) to the wrapped backend", () => {
    const inner = new FakeBackend(undefined, { hardLinks: false });
    const { backend } = recordTrace(inner);
    expect(backend.capabilities).toBe(inner.capabilities);
    expect(backend.storageId).toBe(inner.storageId);
    expect(backend.clock).toBe(inner.clock);
    const primitive = backend.lockPrimitive(backend);
    expect(primitive).toBeInstanceOf(RecordingLockPrimitive);
    expect((primitive as RecordingLockPrimitive).on).toBe(backend);
  });

  it("produces events that survive a JSON round trip, apart from write data", async () => {
    const { backend, trace } = recordTrace(new FakeBackend());
    const handle = await backend.open("f", "a");
    await handle.write(bytes("line\n"));
    await handle.close();
    await backend.rename("f", "g").catch(() => undefined);
    await backend.stat("nope").catch(() => undefined);
    const plain = trace.map(({ args: { data, ...args }, ...event }) => ({
      ...event,
      args: data === undefined ? args : { ...args, data: Array.from(data) },
    }));
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
  });
});
