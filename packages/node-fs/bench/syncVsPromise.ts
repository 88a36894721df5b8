/**
 * Sync vs promise node:fs APIs on the durable hot paths (docs/BENCHMARKS.md#targets), on a real disk.
 *
 *   npx tsx packages/node-fs/bench/syncVsPromise.ts            # 9 rounds x 200 ops
 *   LR_BENCH_ROUNDS=5 LR_BENCH_OPS=100 npx tsx packages/node-fs/bench/syncVsPromise.ts
 *
 * Every variant runs once per round, variants interleaved so that disk drift hits them alike;
 * the table shows the median over rounds of the per-operation time. Results are written up in
 * docs/measurements/syncVsPromise.md.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { appenderWorkloads } from "./appendWorkloads.js";
import { backendWorkloads } from "./backendWorkloads.js";
import { metadataWorkloads, replaceWorkloads } from "./replaceWorkloads.js";
import type { Workload } from "./workload.js";

const ROUNDS = Number(process.env.LR_BENCH_ROUNDS ?? 9);
const OPS = Number(process.env.LR_BENCH_OPS ?? 200);
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/** A scratch directory on a real disk: os.tmpdir() unless it is tmpfs, else one beside this file. */
function scratchDir(): string {
  const tmp = os.tmpdir();
  const { type } = fs.statfsSync(tmp);
  const base =
    type === TMPFS_MAGIC || type === RAMFS_MAGIC ? path.dirname(fileURLToPath(import.meta.url)) : tmp;
  return fs.mkdtempSync(path.join(base, "lr-bench-"));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Sample {
  usPerOp: number;
  /** The longest the event loop went without running a 1 ms ticker (its stall). */
  maxStallUs: number;
}

async function measure(workload: Workload, dir: string): Promise<Sample> {
  let last = process.hrtime.bigint();
  let maxStall = 0n;
  const tick = (): void => {
    const now = process.hrtime.bigint();
    if (now - last > maxStall) maxStall = now - last;
    last = now;
  };
  const ticker = setInterval(tick, 1);
  const start = process.hrtime.bigint();
  await workload.run(dir, OPS);
  const elapsedUs = Number(process.hrtime.bigint() - start) / 1000;
  tick();
  clearInterval(ticker);
  return { usPerOp: elapsedUs / OPS, maxStallUs: Number(maxStall) / 1000 };
}

async function main(): Promise<void> {
  const root = scratchDir();
  const fsType = fs.statfsSync(root).type.toString(16);
  const workloads = [...replaceWorkloads, ...appenderWorkloads, ...metadataWorkloads, ...backendWorkloads];
  const samples = new Map<string, Sample[]>(workloads.map((w) => [w.name, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const workload of workloads) {
        const dir = fs.mkdtempSync(path.join(root, "w-"));
        samples.get(workload.name)!.push(await measure(workload, dir));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `node ${process.version}, ${os.cpus().length} cpus, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`,
  );
  console.log(`scratch ${root} (statfs type 0x${fsType}), ${ROUNDS} rounds x ${OPS} ops, medians\n`);
  console.log("| workload | µs/op | ops/s | longest event-loop stall, ms |");
  console.log("|---|---:|---:|---:|");
  for (const workload of workloads) {
    const s = samples.get(workload.name)!;
    const us = median(s.map((x) => x.usPerOp));
    const stall = median(s.map((x) => x.maxStallUs)) / 1000;
    console.log(`| ${workload.name} | ${us.toFixed(1)} | ${Math.round(1e6 / us)} | ${stall.toFixed(1)} |`);
  }
}

await main();
