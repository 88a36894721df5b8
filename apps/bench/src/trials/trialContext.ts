import { accessSync } from "node:fs";
import { join } from "node:path";
import type { Measurement } from "../measurement.js";
import { syncCount } from "../syncCounter.js";

/** The marker path a trial touches where its measured section begins (see fsyncCount.ts). */
export const MARK_BEGIN = ".bench-mark-begin";
/** The marker path a trial touches where its measured section ends. */
export const MARK_END = ".bench-mark-end";

/** What a trial gets from the worker. */
export interface TrialContext {
  /** An empty directory of its own on the bench disk. */
  readonly dir: string;
  /** Measured operations to run. */
  readonly ops: number;
  /** Unmeasured operations to run first (JIT, page cache, lazy opens). */
  readonly warmup: number;
  /**
   * A store made once per run for the large-store workloads (see fixtures in main.ts), shared by
   * their trials and rounds; undefined for the others.
   */
  readonly fixture: string | undefined;
}

/** One (workload, contender) implementation: sets up in `ctx.dir`, measures, cleans up after itself. */
export type Trial = (ctx: TrialContext) => Promise<Measurement>;

/**
 * Marks the start or end of the measured section with an `access()` of a path that does not
 * exist: a syscall cheap enough not to disturb the timing, that strace shows, so that the fsync
 * count takes only the calls between the two marks.
 */
export function mark(dir: string, which: "begin" | "end"): void {
  try {
    accessSync(join(dir, which === "begin" ? MARK_BEGIN : MARK_END));
  } catch {
    // The path never exists: the failing syscall is the mark.
  }
}

/** Runs `op` `warmup` times unmeasured, then `ops` times timing each, between the marks. */
export async function sequential(
  ctx: TrialContext,
  op: (i: number) => Promise<void> | void,
): Promise<Measurement> {
  for (let i = 0; i < ctx.warmup; i++) await op(i);
  const latenciesUs: number[] = new Array(ctx.ops);
  const fsyncsEach: number[] = new Array(ctx.ops);
  mark(ctx.dir, "begin");
  const syncs = syncCount();
  const start = performance.now();
  for (let i = 0; i < ctx.ops; i++) {
    const t = performance.now();
    const before = syncCount();
    await op(ctx.warmup + i);
    fsyncsEach[i] = syncCount() - before;
    latenciesUs[i] = (performance.now() - t) * 1000;
  }
  const elapsedMs = performance.now() - start;
  const fsyncs = syncCount() - syncs;
  mark(ctx.dir, "end");
  return { ops: ctx.ops, elapsedMs, latenciesUs, fsyncs, fsyncsEach };
}

/**
 * Runs `writers` loops at once, each doing its share of `ctx.ops` operations (after its share
 * of the warmup); the measurement is the total count over the wall time of the whole batch, with
 * every operation's own latency.
 */
export async function concurrent(
  ctx: TrialContext,
  writers: number,
  op: (writer: number, i: number) => Promise<void>,
): Promise<Measurement> {
  const share = (total: number, w: number) => shareOf(total, writers, w);
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < share(ctx.warmup, w); i++) await op(w, i);
    }),
  );
  const latenciesUs: number[] = [];
  mark(ctx.dir, "begin");
  const syncs = syncCount();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < share(ctx.ops, w); i++) {
        const t = performance.now();
        await op(w, ctx.warmup + i);
        latenciesUs.push((performance.now() - t) * 1000);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  const fsyncs = syncCount() - syncs;
  mark(ctx.dir, "end");
  return { ops: ctx.ops, elapsedMs, latenciesUs, fsyncs };
}

/** Writer `w`'s part when `total` operations are split as evenly as possible among `writers`. */
export function shareOf(total: number, writers: number, w: number): number {
  return Math.floor(total / writers) + (w < total % writers ? 1 : 0);
}
