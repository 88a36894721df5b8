/**
 * Sync vs promise node:fs APIs on the durable hot paths (docs/BENCHMARKS.md#targets), on a real disk: the
 * measurements behind the node:fs backend's choice of APIs (docs/measurements/syncVsPromise.md).
 *
 *   npm run bench -- --io                 # 9 rounds x 200 ops
 *   npm run bench -- --io --quick         # 3 rounds x 100 ops
 *   npm run bench -- --io --rounds 5
 *
 * Every variant runs once per round, variants interleaved so that disk drift hits them alike;
 * the table shows the median over rounds of the per-operation time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { median } from "../stats.js";
import { appenderWorkloads } from "./appendWorkloads.js";
import { backendWorkloads } from "./backendWorkloads.js";
import { metadataWorkloads, replaceWorkloads } from "./replaceWorkloads.js";
import type { Workload } from "./workload.js";

interface Sample {
  usPerOp: number;
  /** The longest the event loop went without running a 1 ms ticker (its stall). */
  maxStallUs: number;
}

async function measure(workload: Workload, dir: string, ops: number): Promise<Sample> {
  let last = process.hrtime.bigint();
  let maxStall = 0n;
  const tick = (): void => {
    const now = process.hrtime.bigint();
    if (now - last > maxStall) maxStall = now - last;
    last = now;
  };
  const ticker = setInterval(tick, 1);
  const start = process.hrtime.bigint();
  await workload.run(dir, ops);
  const elapsedUs = Number(process.hrtime.bigint() - start) / 1000;
  tick();
  clearInterval(ticker);
  return { usPerOp: elapsedUs / ops, maxStallUs: Number(maxStall) / 1000 };
}

/** How many rounds and operations per round to run, and where (an empty folder on a real disk). */
export interface IoBenchOptions {
  rounds: number;
  ops: number;
  dir: string;
}

/** Runs every variant `rounds` times in `dir` and prints the markdown table of medians. */
export async function runSyncVsPromise({ rounds, ops, dir: root }: IoBenchOptions): Promise<void> {
  const fsType = fs.statfsSync(root).type.toString(16);
  const workloads = [...replaceWorkloads, ...appenderWorkloads, ...metadataWorkloads, ...backendWorkloads];
  const samples = new Map<string, Sample[]>(workloads.map((w) => [w.name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const workload of workloads) {
        const dir = fs.mkdtempSync(path.join(root, "w-"));
        samples.get(workload.name)!.push(await measure(workload, dir, ops));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `node ${process.version}, ${os.cpus().length} cpus, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`,
  );
  console.log(`scratch ${root} (statfs type 0x${fsType}), ${rounds} rounds x ${ops} ops, medians\n`);
  console.log("| workload | µs/op | ops/s | longest event-loop stall, ms |");
  console.log("|---|---:|---:|---:|");
  for (const workload of workloads) {
    const s = samples.get(workload.name)!;
    const us = median(s.map((x) => x.usPerOp));
    const stall = median(s.map((x) => x.maxStallUs)) / 1000;
    console.log(`| ${workload.name} | ${us.toFixed(1)} | ${Math.round(1e6 / us)} | ${stall.toFixed(1)} |`);
  }
}
