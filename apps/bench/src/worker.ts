/**
 * Runs one trial in this process and prints its measurement as one JSON line on stdout.
 * Usage: `node dist/worker.js <workload> <contender> <dir> <ops> <warmup>` (run by main.ts).
 */
import { isContender, isWorkload } from "./names.js";
import { TRIALS } from "./trials/registry.js";

const [workload = "", contender = "", dir = "", ops = "", warmup = ""] = process.argv.slice(2);
const trial = isWorkload(workload) && isContender(contender) ? TRIALS[workload][contender] : undefined;
if (trial === undefined) {
  console.error(`worker: no trial for ${workload} / ${contender}`);
  process.exit(2);
}
const measurement = await trial({ dir, ops: Number(ops), warmup: Number(warmup) });
process.stdout.write(`${JSON.stringify(measurement)}\n`);
process.exit(0);
