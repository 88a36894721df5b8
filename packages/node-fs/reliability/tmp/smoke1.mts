import { runConcurrency } from "/work/main/packages/node-fs/reliability/scenarios/concurrency.ts";

const t = Date.now();
const r = await runConcurrency({ processes: 4, opsPerProcess: 25, reports: 3, inFlight: 2, seed: 1 });
console.log(
  JSON.stringify(
    {
      ...r,
      store: { ...r.store, otherFailures: [...r.store.otherFailures] },
      locks: {
        ...r.locks,
        handoffInProcess: r.locks.handoffInProcess.length,
        handoffCrossProcess: r.locks.handoffCrossProcess.length,
      },
    },
    null,
    1,
  ).slice(0, 5000),
);
console.log("ms", Date.now() - t);
