import { describe, expect, it } from "vitest";
import { type RoundSample, resultRows, roundRatio } from "../src/aggregate.js";
import { countFsyncs } from "../src/fsyncCount.js";
import { parseOptions } from "../src/options.js";
import { median, prng, quantile, shuffled } from "../src/stats.js";

const sample = (round: number, opsPerSec: number, fsyncsPerOp?: number): RoundSample => ({
  round,
  opsPerSec,
  p50Us: 1000 / opsPerSec,
  p99Us: 2000 / opsPerSec,
  fsyncsPerOp,
  fsyncsEach: undefined,
});

describe("stats", () => {
  it("takes medians and nearest-rank quantiles", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it("shuffles reproducibly from a seed, keeping every item", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = shuffled(items, prng(7));
    expect(shuffled(items, prng(7))).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
  });
});

describe("ratios and rows", () => {
  it("divides within each round before taking the median", () => {
    const samples = new Map([
      ["update/living-reports", [sample(1, 300), sample(2, 100), sample(3, 200)]],
      ["update/seed-python", [sample(1, 100), sample(2, 50), sample(3, 100)]],
    ]);
    // per round 3, 2, 2: median 2 (the ratio of medians would be 200/100 too, but not in general)
    expect(roundRatio(samples, "update/living-reports", "update/seed-python")).toBe(2);
    expect(Number.isNaN(roundRatio(samples, "update/living-reports", "update/steno"))).toBe(true);
  });

  it("prefers the strace count and otherwise takes the rounds' median", () => {
    const samples = new Map([
      ["update/living-reports", [sample(1, 100, 4), sample(2, 120, 4), sample(3, 90, 5)]],
      ["append/steno", [sample(1, 10)]],
    ]);
    const rows = resultRows(samples, new Map([["append/steno", 0]]));
    expect(rows.map((r) => [r.workload, r.contender, r.opsPerSec, r.fsyncsPerOp, r.rounds])).toEqual([
      ["append", "steno", 10, 0, 1],
      ["update", "living-reports", 100, 4, 3],
    ]);
  });
});

describe("countFsyncs", () => {
  it("counts fsync and fdatasync calls between the marks only, once per split call", () => {
    const log = [
      "12 fsync(3) = 0",
      '12 access("/d/.bench-mark-begin", F_OK) = -1 ENOENT (No such file or directory)',
      "12 fsync(4) = 0",
      "13 fdatasync(5 <unfinished ...>",
      "12 fsync(6) = 0",
      "13 <... fdatasync resumed>) = 0",
      '12 access("/d/.bench-mark-end", F_OK) = -1 ENOENT (No such file or directory)',
      "12 fsync(7) = 0",
    ].join("\n");
    expect(countFsyncs(log)).toBe(3);
  });

  it("refuses a log without both marks", () => {
    expect(() => countFsyncs("12 fsync(3) = 0\n")).toThrow(/marks/);
  });
});

describe("parseOptions", () => {
  it("defaults by mode and parses lists", () => {
    expect(parseOptions(["--quick"])).toMatchObject({ quick: true, rounds: 3, strace: false });
    expect(parseOptions([])).toMatchObject({ quick: false, rounds: 7, strace: true, io: false });
    expect(parseOptions(["--io"])).toMatchObject({ io: true, rounds: 9 });
    expect(parseOptions(["--help"])).toMatchObject({ help: true });
    expect(parseOptions(["--io", "--quick"])).toMatchObject({ io: true, rounds: 3 });
    expect(parseOptions(["--workload", "append,update", "--no-strace"])).toMatchObject({
      workloads: ["append", "update"],
      strace: false,
    });
  });

  it("rejects unknown flags, names and bad numbers", () => {
    expect(() => parseOptions(["--fast"])).toThrow(/unknown argument/);
    expect(() => parseOptions(["--workload", "append,nope"])).toThrow(/unknown workload nope/);
    expect(() => parseOptions(["--rounds", "0"])).toThrow(/positive integer/);
  });
});
