import { describe, expect, it } from "vitest";
import { type CrashChange, TORN_FILLS } from "../src/explorer/crashableDisk.js";
import { type CrashcheckJob, planLanes } from "../src/explorer/crashcheckJob.js";
import { changeStreams, enumerateSelections, selectionsOf } from "../src/explorer/enumerateSelections.js";
import { parseCrashcheckArgs } from "../src/explorer/runCrashcheck.js";
import { signature } from "../src/explorer/violationSignature.js";

const write = (id: number, inode: number, bytes = 4): CrashChange => ({
  id,
  kind: "write",
  path: `f${inode}`,
  inode,
  data: new Uint8Array(bytes),
});
const entry = (id: number, dir: number): CrashChange => ({
  id,
  kind: "create",
  path: `d${dir}/x${id}`,
  dir,
  inode: 100 + id,
});

/** Two writes to one file, one to another, two entries in one directory. */
const CHANGES = [write(1, 10), write(2, 10), write(3, 11), entry(4, 1), entry(5, 1)];

const keys = (list: ReturnType<typeof enumerateSelections>) =>
  list.map(
    (s) =>
      `${[...s.keep].join(",")}|${(s.tear ?? []).map((t) => `${t.id}:${t.bytes}${t.fill === undefined ? "" : `:${t.fill}`}`).join(",")}`,
  );

describe("enumerateSelections", () => {
  it("groups changes per file and per directory, in issue order", () => {
    expect(changeStreams(CHANGES).map((s) => s.map((c) => c.id))).toEqual([[1, 2], [3], [4, 5]]);
  });

  it("drop keeps nothing, once", () => {
    expect(keys(enumerateSelections(CHANGES, "drop", 100, 0))).toEqual(["|"]);
    expect(selectionsOf(CHANGES, "drop", 1, 0).complete).toBe(true);
  });

  it("prefix is every combination of per-stream prefixes while they fit (3 × 2 × 3)", () => {
    const list = enumerateSelections(CHANGES, "prefix", 100, 0);
    expect(list).toHaveLength(18);
    expect(new Set(keys(list)).size).toBe(18);
    for (const s of list) {
      if (s.keep.has(2)) expect(s.keep.has(1)).toBe(true);
      if (s.keep.has(5)) expect(s.keep.has(4)).toBe(true);
    }
  });

  it("reorder is every subset while they fit, and a seeded sample beyond", () => {
    expect(enumerateSelections(CHANGES, "reorder", 100, 0)).toHaveLength(32);
    expect(selectionsOf(CHANGES, "reorder", 32, 0).complete).toBe(true);
    expect(selectionsOf(CHANGES, "reorder", 31, 0).complete).toBe(false);
    const sampled = enumerateSelections(CHANGES, "reorder", 20, 7);
    expect(sampled).toHaveLength(20);
    expect(keys(sampled)).toEqual(keys(enumerateSelections(CHANGES, "reorder", 20, 7)));
    expect(keys(sampled).slice(0, 2)).toEqual(["|", "1,2,3,4,5|"]);
  });

  it("torn adds tears of a stream's last kept write at each sector boundary, with each fill", () => {
    // 18 prefix states; 21 of them keep a write last in its stream (4 bytes: cuts at 1, 2, 3
    // with 3 fills each, and zeros or garbage over the whole write) → 21 × 11 tears.
    const whole = selectionsOf(CHANGES, "torn", 1000, 0, { fills: TORN_FILLS });
    expect(whole.complete).toBe(true);
    expect(whole.list).toHaveLength(18 + 21 * 11);
    // Every fill by default; without garbage: 21 × (1 + 3 × 2).
    expect(keys(selectionsOf(CHANGES, "torn", 1000, 0).list)).toEqual(keys(whole.list));
    expect(selectionsOf(CHANGES, "torn", 1000, 0, { fills: ["cut", "zeros"] }).list).toHaveLength(
      18 + 21 * 7,
    );
    // Sectors of 2 bytes: one cut (at 2) → 21 × 5 tears.
    expect(selectionsOf(CHANGES, "torn", 1000, 0, { sectorSize: 2, fills: TORN_FILLS }).list).toHaveLength(
      18 + 21 * 5,
    );
    // Only zeros: 21 × (1 + 3).
    expect(selectionsOf(CHANGES, "torn", 1000, 0, { fills: ["zeros"] }).list).toHaveLength(18 + 21 * 4);
    expect(selectionsOf(CHANGES, "torn", 100, 0).complete).toBe(false);
    expect(() => selectionsOf(CHANGES, "torn", 100, 0, { sectorSize: 0 })).toThrow(/sectorSize/);
    expect(() => selectionsOf(CHANGES, "torn", 100, 0, { fills: [] })).toThrow(/fills/);
    const list = whole.list;
    const torn = list.filter((s) => s.tear !== undefined);
    expect(torn.length).toBeGreaterThan(0);
    for (const s of torn) {
      for (const t of s.tear ?? []) {
        expect(s.keep.has(t.id)).toBe(true);
        expect(t.bytes).toBeGreaterThanOrEqual(0);
        expect(t.bytes).toBeLessThan(4);
      }
    }
    expect(new Set(keys(list)).size).toBe(list.length);
  });

  it("a limit below the count samples, most telling states first", () => {
    const list = enumerateSelections(CHANGES, "prefix", 5, 3);
    expect(list).toHaveLength(5);
    expect(keys(list).slice(0, 2)).toEqual(["|", "1,2,3,4,5|"]);
  });
});

describe("parseCrashcheckArgs", () => {
  it("reads every flag, in both spellings", () => {
    expect(
      parseCrashcheckArgs([
        "--json",
        "--states",
        "20",
        "--seed=3",
        "--mode",
        "torn",
        "--backend=node-fs",
        "--mutants",
        "--workers",
        "2",
      ]),
    ).toEqual({
      json: true,
      states: 20,
      seed: 3,
      mode: "torn",
      backend: "node-fs",
      mutants: true,
      workers: 2,
    });
  });

  it("refuses unknown flags and bad values with INVALID_INPUT", () => {
    expect(() => parseCrashcheckArgs(["--nope"])).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => parseCrashcheckArgs(["--states", "x"])).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => parseCrashcheckArgs(["--backend", "s3"])).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => parseCrashcheckArgs(["--seed"])).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => parseCrashcheckArgs(["--workers", "0"])).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});

describe("planLanes", () => {
  const job = (workload: number, states: number): CrashcheckJob => ({
    workload,
    name: `w${workload}`,
    set: "standard",
    states,
    mode: "prefix",
    seed: 0,
    backend: "memfs",
  });

  it("spreads jobs largest first onto the least loaded lane, each lane in job order", () => {
    const jobs = [job(0, 10), job(1, 40), job(2, 25), job(3, 20)];
    expect(planLanes(jobs, 2)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(planLanes(jobs, 3)).toEqual([[1], [2], [0, 3]]);
  });

  it("never makes more lanes than jobs, and always at least one", () => {
    expect(planLanes([job(0, 5)], 4)).toEqual([[0]]);
    expect(planLanes([], 2)).toEqual([[]]);
  });
});

describe("signature", () => {
  it("blanks ids, hashes and numbers so violations compare by kind", () => {
    expect(signature("G2: 0f8fad5b-d9cb-469f-a165-70867728950e lost v3")).toBe(
      signature("G2: 7c9e6679-7425-40de-944b-e07fc1f90ae7 lost v12"),
    );
    expect(signature("G2: lost")).not.toBe(signature("G5: lost"));
  });
});
