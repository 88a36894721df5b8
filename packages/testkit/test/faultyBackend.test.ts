import { atomicReplace, ErrorCode, LivingReportsError, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { FaultyBackend, InjectedFault, injectFaults } from "../src/faults/index.js";
import { FakeBackend, RecordingLockPrimitive } from "./support/fakeBackend.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function put(backend: StorageBackend, path: string, text: string): Promise<void> {
  const handle = await backend.open(path, "w");
  await handle.write(encoder.encode(text), 0);
  await handle.close();
}

async function read(backend: StorageBackend, path: string): Promise<string> {
  return decoder.decode(await backend.readFile(path));
}

async function rejection(promise: Promise<unknown>): Promise<LivingReportsError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LivingReportsError);
  return err as LivingReportsError;
}

/** A fake with directory `d` and file `d/f` = "old". */
async function fixture(): Promise<FakeBackend> {
  const inner = new FakeBackend();
  await inner.mkdir("d");
  await put(inner, "d/f", "old");
  return inner;
}

describe("FaultyBackend: mapping", () => {
  it.each([
    ["EIO", ErrorCode.STORAGE_FAILURE],
    ["ENOSPC", ErrorCode.NO_SPACE],
    ["EACCES", ErrorCode.PERMISSION_DENIED],
    ["EROFS", ErrorCode.READ_ONLY],
    ["EMFILE", ErrorCode.STORAGE_FAILURE],
  ] as const)(
    "%s on readFile is %s, with the errno, the path and an InjectedFault cause",
    async (errno, code) => {
      const faulty = new FaultyBackend(await fixture(), [{ op: "readFile", error: errno }]);
      const err = await rejection(faulty.readFile("d/f"));
      expect(err.code).toBe(code);
      expect(err.syscode).toBe(errno);
      expect(err.path).toBe("d/f");
      expect(err.cause).toBeInstanceOf(InjectedFault);
      expect(await read(faulty, "d/f")).toBe("old");
    },
  );

  it.each(["sync", "datasync", "syncDir"] as const)("any %s fault is FSYNC_FAILED", async (op) => {
    const faulty = new FaultyBackend(await fixture(), [{ op, error: "ENOSPC" }]);
    const handle = await faulty.open("d/f", "r+");
    const call = op === "syncDir" ? faulty.syncDir("d") : op === "sync" ? handle.sync() : handle.datasync();
    const err = await rejection(call);
    expect(err.code).toBe(ErrorCode.FSYNC_FAILED);
    expect(err.syscode).toBe("ENOSPC");
  });

  it("passes capabilities, storageId and genuine errors through unchanged", async () => {
    const inner = new FakeBackend(undefined, { hardLinks: false });
    const faulty = injectFaults(inner);
    expect(faulty.capabilities).toBe(inner.capabilities);
    expect(faulty.storageId).toBe(inner.storageId);
    const err = await rejection(faulty.readFile("missing"));
    expect(err.code).toBe(ErrorCode.NOT_FOUND);
    expect(err.cause).not.toBeInstanceOf(InjectedFault);
  });

  it("builds the inner lock primitive on the `on` it is given, and forwards its clock", async () => {
    const inner = await fixture();
    const faulty = new FaultyBackend(inner);
    const primitive = faulty.lockPrimitive(faulty);
    expect(primitive).toBeInstanceOf(RecordingLockPrimitive);
    expect((primitive as RecordingLockPrimitive).on).toBe(faulty);
    expect(faulty.clock).toBe(inner.clock);
  });
});

describe("FaultyBackend: what a faulted call leaves behind", () => {
  it("a failed rename did not happen", async () => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "rename", error: "EIO" }]);
    await put(faulty, "d/g", "new");
    await rejection(faulty.rename("d/g", "d/f"));
    expect(await faulty.readdir("d")).toEqual(["f", "g"]);
    expect(await read(faulty, "d/f")).toBe("old");
  });

  it("an applied rename happened, yet reports failure", async () => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "rename", error: "EIO", applied: true }]);
    await put(faulty, "d/g", "new");
    await rejection(faulty.rename("d/g", "d/f"));
    expect(await faulty.readdir("d")).toEqual(["f"]);
    expect(await read(faulty, "d/f")).toBe("new");
  });

  it("a failed write wrote nothing; a short write wrote its prefix, then failed or reported it", async () => {
    const faulty = new FaultyBackend(await fixture(), [
      { op: "write", error: "ENOSPC", nth: 1 },
      { op: "write", error: "ENOSPC", shortWrite: 2, nth: 2 },
      { op: "write", shortWrite: 1, nth: 3 },
    ]);
    const handle = await faulty.open("d/f", "r+");
    expect((await rejection(handle.write(encoder.encode("abc"), 0))).code).toBe(ErrorCode.NO_SPACE);
    expect(await read(faulty, "d/f")).toBe("old");
    expect((await rejection(handle.write(encoder.encode("xyz"), 0))).code).toBe(ErrorCode.NO_SPACE);
    expect(await read(faulty, "d/f")).toBe("xyd");
    expect(await handle.write(encoder.encode("OLD"), 0)).toBe(1);
    expect(await read(faulty, "d/f")).toBe("Oyd");
    expect(faulty.fired.map((f) => [f.ruleIndex, f.shortWrite, f.error])).toEqual([
      [0, undefined, "ENOSPC"],
      [1, 2, "ENOSPC"],
      [2, 1, undefined],
    ]);
  });

  it("a failed sync ran on the inner handle; with applied: false it did not", async () => {
    const inner = await fixture();
    const synced: string[] = [];
    const spy: StorageBackend = Object.create(inner);
    spy.open = async (path, mode) => {
      const handle = await inner.open(path, mode);
      return Object.assign(Object.create(handle), {
        path: handle.path,
        sync: async () => {
          synced.push(path);
        },
      });
    };
    const faulty = new FaultyBackend(spy, [{ op: "sync", error: "EIO" }]);
    await rejection((await faulty.open("d/f", "r+")).sync());
    expect(synced).toEqual(["d/f"]);
    faulty.setPlan([{ op: "sync", error: "EIO", applied: false }]);
    await rejection((await faulty.open("d/f", "r+")).sync());
    expect(synced).toEqual(["d/f"]);
  });

  it("a faulted open creates nothing; an applied one created the file", async () => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "open", error: "EMFILE" }]);
    await rejection(faulty.open("d/new", "wx"));
    expect(await faulty.readdir("d")).toEqual(["f"]);
    faulty.setPlan([{ op: "open", error: "EIO", applied: true }]);
    await rejection(faulty.open("d/new", "wx"));
    expect(await faulty.readdir("d")).toEqual(["f", "new"]);
  });

  it("atomicReplace through a faulty rename keeps the target and removes its temp file", async () => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "rename", path: "d/f", error: "EIO" }]);
    const err = await rejection(atomicReplace(faulty, "d/f", encoder.encode("new")));
    expect(err.code).toBe(ErrorCode.STORAGE_FAILURE);
    expect(faulty.fired).toHaveLength(1);
    expect(faulty.fired[0]).toMatchObject({ op: "rename", to: "d/f", match: 1, applied: false });
    expect(await faulty.readdir("d")).toEqual(["f"]);
    expect(await read(faulty, "d/f")).toBe("old");
  });
});

describe("FaultyBackend: which calls a plan hits", () => {
  it("nth fires at the nth matching call only; always fires from it on", async () => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "stat", nth: 2, error: "EIO" }]);
    const outcomes = async (): Promise<boolean[]> => {
      const out: boolean[] = [];
      for (let i = 0; i < 4; i++)
        out.push(
          await faulty.stat("d/f").then(
            () => true,
            () => false,
          ),
        );
      return out;
    };
    expect(await outcomes()).toEqual([true, false, true, true]);
    faulty.setPlan([{ op: "stat", nth: 2, error: "EIO", times: "always" }]);
    expect(await outcomes()).toEqual([true, false, false, false]);
    expect(faulty.fired.map((f) => f.match)).toEqual([2, 3, 4]);
  });

  it("matches exact paths, globs and RegExps; rename and link by either path", async () => {
    const faulty = new FaultyBackend(await fixture());
    await faulty.mkdir("d/e");
    await put(faulty, "d/e/outline.json", "x");
    const hits = async (path: string | RegExp, call: () => Promise<unknown>): Promise<boolean> => {
      faulty.setPlan([{ op: "*", path, error: "EIO" }]);
      return call().then(
        () => false,
        () => true,
      );
    };
    expect(await hits("d/f", () => faulty.stat("d/f"))).toBe(true);
    expect(await hits("d", () => faulty.stat("d/f"))).toBe(false);
    expect(await hits("d/*", () => faulty.stat("d/f"))).toBe(true);
    expect(await hits("d/*", () => faulty.stat("d/e/outline.json"))).toBe(false);
    expect(await hits("**/outline.json", () => faulty.stat("d/e/outline.json"))).toBe(true);
    expect(await hits("**/outline.json", () => faulty.stat("outline.json"))).toBe(true);
    expect(await hits("**/outline.json", () => faulty.stat("d/f"))).toBe(false);
    expect(await hits("d/?", () => faulty.stat("d/e"))).toBe(true);
    expect(await hits("d/f.*", () => faulty.stat("d/f"))).toBe(false);
    expect(await hits(/outline/g, () => faulty.stat("d/e/outline.json"))).toBe(true);
    expect(await hits(/outline/g, () => faulty.stat("d/e/outline.json"))).toBe(true);
    expect(await hits("d/g", () => faulty.rename("d/f", "d/g"))).toBe(true);
    expect(await hits("d/h", () => faulty.link("d/f", "d/h"))).toBe(true);
    expect(await faulty.readdir("d")).toEqual(["e", "f"]);
  });

  it("handles follow the plan current at each call, under their path", async () => {
    const faulty = new FaultyBackend(await fixture());
    const handle = await faulty.open("d/f", "r+");
    faulty.setPlan([{ op: "truncate", path: "d/f", error: "EROFS" }]);
    expect((await rejection(handle.truncate(0))).code).toBe(ErrorCode.READ_ONLY);
    faulty.addRule({ op: "read", error: "EIO" });
    await rejection(handle.read(3, 0));
    faulty.setPlan([]);
    expect(decoder.decode(await handle.read(3, 0))).toBe("old");
    expect(faulty.fired).toEqual([]);
  });

  it("probability draws from a seeded PRNG: the same seed gives the same faults", async () => {
    const run = async (seed: number): Promise<number[]> => {
      const faulty = new FaultyBackend(await fixture(), [
        { op: "readdir", probability: 0.3, seed, times: "always", error: "EIO" },
      ]);
      for (let i = 0; i < 40; i++) await faulty.readdir("d").catch(() => undefined);
      return faulty.fired.map((f) => f.match);
    };
    const first = await run(7);
    expect(first.length).toBeGreaterThan(3);
    expect(first.length).toBeLessThan(30);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it("the first rule that fires decides; every matching rule counts the call", async () => {
    const faulty = new FaultyBackend(await fixture(), [
      { op: "readFile", error: "EIO" },
      { op: "*", nth: 2, error: "EACCES" },
    ]);
    expect((await rejection(faulty.readFile("d/f"))).code).toBe(ErrorCode.STORAGE_FAILURE);
    expect((await rejection(faulty.readFile("d/f"))).code).toBe(ErrorCode.PERMISSION_DENIED);
    expect(await read(faulty, "d/f")).toBe("old");
    expect(faulty.callCount("readFile")).toBe(3);
    expect(faulty.callCount("*")).toBe(3);
  });

  it.each([
    [{ op: "stat" }, "needs an error"],
    [{ op: "stat", error: "EIO", nth: 1, probability: 0.5 }, "exclusive"],
    [{ op: "stat", error: "EIO", nth: 0 }, "nth"],
    [{ op: "stat", error: "EIO", probability: 2 }, "probability"],
    [{ op: "read", shortWrite: 1 }, "write only"],
    [{ op: "write", shortWrite: -1 }, "shortWrite"],
    [{ op: "chmod", error: "EIO" }, "unknown op"],
    [{ op: "stat", error: "EBUSY" }, "unknown error"],
  ])("refuses a malformed rule %j with INVALID_INPUT", async (rule, why) => {
    const faulty = new FaultyBackend(await fixture(), [{ op: "stat", error: "EIO" }]);
    // The casts feed deliberately ill-typed rules, as a JavaScript caller could.
    const bad = rule as unknown as Parameters<FaultyBackend["addRule"]>[0];
    expect(() => faulty.setPlan([bad])).toThrow(why);
    expect(() => new FaultyBackend(faulty.inner, [bad])).toThrow(LivingReportsError);
    await rejection(faulty.stat("d/f"));
  });
});

describe("FaultyBackend: loseUnsynced and absolute paths", () => {
  it("a loseUnsynced fault on a backend that cannot forget unsynced data is refused, typed", async () => {
    const faulty = injectFaults(await fixture(), [{ op: "sync", error: "EIO", loseUnsynced: true }]);
    const handle = await faulty.open("d/f", "r+");
    const err = await rejection(handle.sync());
    expect(err.code).toBe(ErrorCode.INVALID_INPUT);
    expect(err.message).toMatch(/cannot forget unsynced data \(use a memfs disk\)/);
    await handle.close();
  });

  it("refuses a rule whose path is absolute, naming the root-relative one", () => {
    expect(() => injectFaults(new FakeBackend(), [{ op: "*", path: "/d/f", error: "EIO" }])).toThrow(
      /fault rule 0: path "\/d\/f" is absolute; backend paths are relative to its root \(e.g. "d\/f"\)/,
    );
  });

  it("says the errno once: the op, the path, the errno, then what happened", async () => {
    const faulty = injectFaults(await fixture(), [{ op: "unlink", error: "EACCES" }]);
    const err = await rejection(faulty.unlink("d/f"));
    expect(err.message).toBe("unlink d/f: EACCES: injected fault");
    expect(err.cause).toBeInstanceOf(InjectedFault);
    expect((err.cause as InjectedFault).path).toBe("d/f");
  });
});
