import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Measurement } from "../measurement.js";
import type { Contender } from "../names.js";
import { prng } from "../stats.js";
import { syncCount } from "../syncCounter.js";
import { type LockSide, lockSides, prepareLockDir } from "./lockSides.js";
import { mark, sequential, type Trial, type TrialContext } from "./trialContext.js";

/** How long a holder keeps the lock once the waiter waits: 1–9 ms, like a commit. */
function holdTimes(seed: number): () => number {
  const random = prng(seed);
  return () => 1 + random() * 8;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The trials of `lock-uncontended`: acquire + release of a free lock. */
export const uncontendedTrials: Partial<Record<Contender, Trial>> = Object.fromEntries(
  Object.entries(lockSides).map(([name, makeSide]) => [
    name,
    async (ctx: TrialContext) => {
      prepareLockDir(ctx.dir);
      const side = makeSide(ctx.dir, "uncontended");
      try {
        return await sequential(ctx, async () => {
          const release = await side.acquire();
          await release();
        });
      } finally {
        await side.close();
      }
    },
  ]),
);

/**
 * The trials of `lock-handoff-inprocess`: two lock users in one process; the latency is from the
 * holder's `release()` call to the waiter's acquisition resolving.
 */
export const inProcessHandoffTrials: Partial<Record<Contender, Trial>> = Object.fromEntries(
  Object.entries(lockSides).map(([name, makeSide]) => [
    name,
    async (ctx: TrialContext) => {
      prepareLockDir(ctx.dir);
      const sides = [makeSide(ctx.dir, "handoff"), makeSide(ctx.dir, "handoff")] as const;
      const hold = holdTimes(7);
      let holder = 0;
      let release = await sides[0].acquire();
      const latencies: number[] = [];
      let fsyncs = 0;
      const handoff = async () => {
        const waiter = (holder + 1) % 2;
        const next = (sides[waiter] as LockSide).acquire();
        await sleep(hold());
        const t = performance.now();
        const released = release();
        release = await next;
        latencies.push((performance.now() - t) * 1000);
        await released;
        holder = waiter;
      };
      try {
        for (let i = 0; i < ctx.warmup; i++) await handoff();
        latencies.length = 0;
        mark(ctx.dir, "begin");
        const syncs = syncCount();
        for (let i = 0; i < ctx.ops; i++) await handoff();
        fsyncs = syncCount() - syncs;
        mark(ctx.dir, "end");
        await release();
      } finally {
        await Promise.all(sides.map((s) => s.close()));
      }
      return byLatency(latencies, fsyncs);
    },
  ]),
);

/**
 * The trials of `lock-handoff-crossprocess`: this process holds, a forked peer waits; the latency
 * is from this process's `release()` call to the peer's acquisition resolving, on the
 * system-wide monotonic clock (`process.hrtime`), so IPC delays do not count.
 */
export const crossProcessHandoffTrials: Partial<Record<Contender, Trial>> = Object.fromEntries(
  Object.keys(lockSides).map((name) => [
    name,
    async (ctx: TrialContext) => {
      prepareLockDir(ctx.dir);
      const makeSide = lockSides[name as Contender];
      if (makeSide === undefined) throw new Error(`no lock side for ${name}`);
      const side = makeSide(ctx.dir, "handoff");
      const peer = fork(fileURLToPath(new URL("../lockPeer.js", import.meta.url)), [name, ctx.dir]);
      const hold = holdTimes(11);
      const latencies: number[] = [];
      let fsyncs = 0;
      const handoff = async () => {
        let release = await side.acquire();
        await request(peer, "acquire", "waiting");
        await sleep(hold());
        const released = process.hrtime.bigint();
        const acquired = request(peer, "proceed", "released");
        await release();
        const got = await acquired;
        latencies.push(Number(BigInt(got.at ?? "0") - released) / 1000);
        release = async () => undefined;
      };
      try {
        for (let i = 0; i < ctx.warmup; i++) await handoff();
        latencies.length = 0;
        mark(ctx.dir, "begin");
        const syncs = syncCount();
        for (let i = 0; i < ctx.ops; i++) await handoff();
        fsyncs = syncCount() - syncs;
        mark(ctx.dir, "end");
      } finally {
        peer.kill();
        await side.close();
      }
      return byLatency(latencies, fsyncs);
    },
  ]),
);

/** A message between the bench and its lock peer. */
export interface PeerMessage {
  type: string;
  /** `process.hrtime.bigint()` at acquisition, as a decimal string. */
  at?: string;
  error?: string;
}

/** Sends `type` to the peer and resolves with its first reply of type `until`. */
function request(peer: ChildProcess, type: string, until: string): Promise<PeerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: PeerMessage) => {
      if (m.type === "error") {
        cleanup();
        reject(new Error(`lock peer: ${m.error ?? "failed"}`));
      } else if (m.type === until) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`lock peer exited with ${code}`));
    };
    const cleanup = () => {
      peer.off("message", onMessage);
      peer.off("exit", onExit);
    };
    peer.on("message", onMessage);
    peer.on("exit", onExit);
    peer.send({ type });
  });
}

/** A hand-off measurement: ops/s is 1 / mean latency (the time the lock stood free). */
function byLatency(latenciesUs: number[], fsyncs: number): Measurement {
  const totalUs = latenciesUs.reduce((a, b) => a + b, 0);
  return { ops: latenciesUs.length, elapsedMs: totalUs / 1000, latenciesUs, fsyncs };
}
