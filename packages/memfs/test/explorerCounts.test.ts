import { atomicReplace, type StorageBackend } from "@living-reports/core";
import {
  type CrashChecker,
  canonicalStateKey,
  exploreCrashes,
  injectFaults,
  TORN_FILLS,
  type Workload,
} from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { createMemfsDisk, memfsDisks as disks } from "../src/index.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** Writes "hello" to a new file `a`, never synced: no step, so every state is judged by its files. */
const unsyncedHello: Workload = {
  name: "unsynced-hello",
  async run(ctx) {
    const handle = await ctx.backend.open("a", "w");
    await handle.write(bytes("hello"), 0);
    await handle.close();
  },
};
const anything: CrashChecker = async () => [];

describe("exploreCrashes counts distinct states exactly", () => {
  it("prefix: a, missing, empty or whole: 3 states, exhausted after a second round finds none new", async () => {
    const result = await exploreCrashes(unsyncedHello, anything, { disks, mode: "prefix", states: 1000 });
    expect(result).toMatchObject({
      states: 3,
      checks: 3,
      rounds: 2,
      exhausted: true,
      stoppedBy: "exhausted",
    });
  });

  it("torn: also cut after 1-4 bytes, zeros or garbage from byte 0-4: 3 + 4 + 5 + 5 states", async () => {
    const result = await exploreCrashes(unsyncedHello, anything, {
      disks,
      mode: "torn",
      states: 1000,
      perPoint: 64,
      tears: { fills: TORN_FILLS },
    });
    expect(result).toMatchObject({ states: 17, exhausted: true });
    // Every fill is the default.
    const byDefault = await exploreCrashes(unsyncedHello, anything, {
      disks,
      mode: "torn",
      states: 1000,
      perPoint: 64,
    });
    expect(byDefault).toMatchObject({ states: 17, exhausted: true });
    // Without garbage: 3 + 4 + 5.
    const plain = await exploreCrashes(unsyncedHello, anything, {
      disks,
      mode: "torn",
      states: 1000,
      perPoint: 64,
      tears: { fills: ["cut", "zeros"] },
    });
    expect(plain).toMatchObject({ states: 12, exhausted: true });
  });

  it("torn with 2-byte sectors: cut at 2 or 4, zeros or garbage from 0, 2 or 4: 3 + 2 + 3 + 3 states", async () => {
    const result = await exploreCrashes(unsyncedHello, anything, {
      disks,
      mode: "torn",
      states: 1000,
      perPoint: 64,
      tears: { sectorSize: 2, fills: TORN_FILLS },
    });
    expect(result).toMatchObject({ states: 11, exhausted: true });
  });

  it("a space larger than the budget is not exhausted, and the budget is kept", async () => {
    const result = await exploreCrashes(unsyncedHello, anything, { disks, mode: "prefix", states: 2 });
    expect(result).toMatchObject({ states: 2, exhausted: false, stoppedBy: "budget", rounds: 1 });
  });

  it("sampled points are never called exhausted", async () => {
    const result = await exploreCrashes(unsyncedHello, anything, {
      disks,
      mode: "torn",
      states: 1000,
      perPoint: 4,
    });
    expect(result.exhausted).toBe(false);
    expect(result.stoppedBy).toBe("idle");
  });

  it("states that differ only by random temp names are one state, across rounds", async () => {
    // atomicReplace draws a random temp name on every save: without canonical names every round
    // would look new.
    const saves: Workload = {
      name: "atomic-saves",
      async run(ctx) {
        for (const v of [1, 2])
          await ctx.step(`save ${v}`, () => atomicReplace(ctx.backend, "s.json", bytes(`v${v}`)));
      },
    };
    const one = await exploreCrashes(saves, anything, {
      disks,
      mode: "prefix",
      states: 10_000,
      maxRounds: 1,
    });
    const all = await exploreCrashes(saves, anything, { disks, mode: "prefix", states: 10_000 });
    expect(one).toMatchObject({ rounds: 1, exhausted: false, stoppedBy: "maxRounds" });
    expect(all).toMatchObject({ rounds: 2, exhausted: true, states: one.states });
  });

  it("a workload that draws from rand is never called exhausted: another seed may branch elsewhere", async () => {
    const branchy: Workload = {
      name: "branchy",
      async run(ctx) {
        const handle = await ctx.backend.open(ctx.rand() < 0.5 ? "a" : "b", "w");
        await handle.close();
      },
    };
    const result = await exploreCrashes(branchy, anything, {
      disks,
      mode: "prefix",
      states: 1000,
      idleRounds: 3,
    });
    expect(result.exhausted).toBe(false);
    expect(result.stoppedBy).toBe("idle");
    // Nothing, an empty a, an empty b.
    expect(result.states).toBe(3);
  });

  it("refuses a bad budget or bad tear options", async () => {
    await expect(exploreCrashes(unsyncedHello, anything, { disks, states: -1 })).rejects.toThrow(/states/);
    await expect(
      exploreCrashes(unsyncedHello, anything, { disks, states: 1, idleRounds: 0 }),
    ).rejects.toThrow(/idleRounds/);
    await expect(
      exploreCrashes(unsyncedHello, anything, {
        disks,
        states: 10,
        mode: "torn",
        tears: { sectorSize: 1.5 },
      }),
    ).rejects.toThrow(/sectorSize/);
  });
});

describe("canonicalStateKey", () => {
  const steps = { acked: [], inFlight: [] };
  const id1 = "2086886d-c837-4533-b99d-f4da317b90bb";
  const id2 = "e643e3e0-334b-4bb7-8865-1a3b8ec89743";
  it("renames random names consistently, keeping which equals which", () => {
    const a = canonicalStateKey(steps, { [`by_id/${id1}`]: null, index: `${id1}\n` });
    const b = canonicalStateKey(steps, { [`by_id/${id2}`]: null, index: `${id2}\n` });
    const c = canonicalStateKey(steps, { [`by_id/${id1}`]: null, index: `${id2}\n` });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("keeps the order of times, not the times", () => {
    const at = (x: string, y: string) =>
      canonicalStateKey(steps, { "b/outline.json.20250101T000003_000000.bak": x, outline: y });
    expect(at("2025-01-01T00:00:01.000Z", "2025-01-01T00:00:04.000Z")).toBe(
      at("2025-01-01T00:00:02.000Z", "2025-01-01T00:00:05.000Z"),
    );
    expect(at("2025-01-01T00:00:01.000Z", "2025-01-01T00:00:04.000Z")).not.toBe(
      at("2025-01-01T00:00:04.000Z", "2025-01-01T00:00:01.000Z"),
    );
  });

  it("renames an id prefix even when it is all digits, since a random name begins with it", () => {
    const state = (id: string) =>
      canonicalStateKey(
        {
          acked: [{ index: 0, label: `baseline ${id.slice(0, 8)}`, start: 0, end: 1, effect: id }],
          inFlight: [],
        },
        {
          [`by_id/${id}`]: null,
        },
      );
    expect(state("20868869-c837-4533-b99d-f4da317b90bb")).toBe(state(id1));
    expect(state(id2)).toBe(state(id1));
  });

  it("leaves numbers and contents alone", () => {
    expect(canonicalStateKey(steps, { a: "12345678" })).not.toBe(canonicalStateKey(steps, { a: "12345679" }));
    expect(canonicalStateKey(steps, { a: "x" })).not.toBe(canonicalStateKey(steps, { a: "y" }));
  });
});

/** Saves `data` to `path` and fsyncs it; on a failed fsync, `retry` says how it tries again. */
async function save(backend: StorageBackend, data: string, retry: "fsync again" | "rewrite"): Promise<void> {
  const handle = await backend.open("data.json", "w");
  try {
    await handle.write(bytes(data), 0);
    try {
      await handle.sync();
    } catch {
      // The bug: after EIO the kernel may have dropped the dirty pages; a second fsync then
      // succeeds without writing them. The fix: write the data again before syncing again.
      if (retry === "rewrite") await handle.write(bytes(data), 0);
      await handle.sync();
    }
  } finally {
    await handle.close();
  }
  await backend.syncDir("");
}

function retryWorkload(retry: "fsync again" | "rewrite"): Workload {
  return {
    name: `save, ${retry} after EIO`,
    async run(ctx) {
      await ctx.step("save", () => save(ctx.backend, '{"saved":true}', retry));
    },
  };
}

const savedChecker: CrashChecker = async ({ backend, acked }) => {
  if (acked.length === 0) return [];
  const got = await backend.readFile("data.json").then(text, (err: Error) => err.message);
  return got === '{"saved":true}' ? [] : [`acknowledged save lost: data.json holds ${JSON.stringify(got)}`];
};

describe("a failed fsync that loses the unsynced data (Linux)", () => {
  const loseFirstSync = (backend: StorageBackend) =>
    injectFaults(backend, [{ op: "sync", path: "data.json", error: "EIO", loseUnsynced: true }]);

  it("on a disk: reads still see the data, a retried fsync succeeds, a power loss takes the data", async () => {
    const disk = createMemfsDisk();
    await save(loseFirstSync(disk.backend()), "v1", "fsync again");
    expect(text(await disk.backend().readFile("data.json"))).toBe("v1");
    for (const mode of ["drop", "prefix", "torn", "reorder"] as const)
      expect(disk.crash({ mode }).toJSON()["data.json"], mode).toBe("");
  });

  it("the explorer catches the fsync-EIO-then-retry bug", async () => {
    const result = await exploreCrashes(retryWorkload("fsync again"), savedChecker, {
      disks,
      mode: "prefix",
      states: 500,
      wrapBackend: loseFirstSync,
    });
    expect(result.violations).toBeGreaterThan(0);
    expect(result.failures[0]?.violations[0]).toMatch(/acknowledged save lost/);
    expect(result.failures[0]?.trace).toMatch(/sync/);
  });

  it("and passes the fix (write again, then fsync)", async () => {
    const result = await exploreCrashes(retryWorkload("rewrite"), savedChecker, {
      disks,
      mode: "prefix",
      states: 500,
      wrapBackend: loseFirstSync,
    });
    expect(result.violations).toBe(0);
    expect(result.exhausted).toBe(true);
  });

  it("the old model (a failed fsync that ran anyway) lets the bug pass: why the option exists", async () => {
    const result = await exploreCrashes(retryWorkload("fsync again"), savedChecker, {
      disks,
      mode: "prefix",
      states: 500,
      wrapBackend: (backend) => injectFaults(backend, [{ op: "sync", path: "data.json", error: "EIO" }]),
    });
    expect(result.violations).toBe(0);
  });

  it("is refused where it cannot apply", () => {
    const backend = createMemfsDisk().backend();
    expect(() => injectFaults(backend, [{ op: "write", error: "EIO", loseUnsynced: true }])).toThrow(
      /loseUnsynced applies to ops sync and datasync only/,
    );
    expect(() => injectFaults(backend, [{ op: "sync", loseUnsynced: true, shortWrite: 1 }])).toThrow();
    expect(() =>
      injectFaults(backend, [{ op: "sync", error: "EIO", loseUnsynced: true, applied: true }]),
    ).toThrow(/exclusive/);
  });
});

describe("fault rules and messages", () => {
  it("refuses an absolute path, which could never match a root-relative backend path", () => {
    expect(() =>
      injectFaults(createMemfsDisk().backend(), [{ op: "write", path: "/data.json", error: "EIO" }]),
    ).toThrow(/path "\/data.json" is absolute; backend paths are relative to its root \(e.g. "data.json"\)/);
  });

  it("says the errno once, with the root-relative path, for injected and simulated errors alike", async () => {
    const faulty = injectFaults(createMemfsDisk().backend(), [{ op: "write", error: "ENOSPC" }]);
    const handle = await faulty.open("a.txt", "w");
    await expect(handle.write(bytes("x"), 0)).rejects.toThrow(/^write a\.txt: ENOSPC: injected fault$/);
    const missing = await faulty.readFile("dir/missing.txt").catch((err: Error) => err.message);
    expect(missing).toMatch(/dir\/missing\.txt: ENOENT: no such file or directory$/);
    expect(missing).not.toMatch(/ENOENT: ENOENT|'\//);
  });
});

describe("memfs torn crashes", () => {
  it("tear at a sector boundary and leave nothing, zeros or garbage past it", async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const disk = createMemfsDisk();
      const handle = await disk.backend().open("f", "w");
      await handle.write(bytes("abcdefghij"), 0);
      const volume = disk.crash({ mode: "torn", seed, sectorSize: 4, fills: TORN_FILLS }).unsafeVolume();
      if (!volume.existsSync("/f")) continue;
      const data = volume.readFileSync("/f") as Buffer;
      if (data.length === 0 || data.toString() === "abcdefghij") continue;
      const kept = data.toString("latin1").match(/^[a-j]*/)?.[0].length ?? 0;
      expect([0, 4, 8], data.toString("latin1")).toContain(kept);
      const rest = data.subarray(kept);
      seen.add(rest.length === 0 ? "cut" : rest.every((b) => b === 0) ? "zeros" : "garbage");
    }
    expect([...seen].sort()).toEqual(["cut", "garbage", "zeros"]);
  });

  it("refuses a bad sector size or fill", () => {
    const disk = createMemfsDisk();
    expect(() => disk.crash({ mode: "torn", sectorSize: 0 })).toThrow(/sectorSize/);
    expect(() => disk.crash({ mode: "torn", fills: [] })).toThrow(/fills/);
  });
});
