import { runKills } from "../scenarios/kills.ts";

const t = Date.now();
const r = await runKills({ rounds: 3, writers: 3, reports: 3, seed: 7, maxLifeMs: 400 });
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
  ).slice(0, 6000),
);
console.log("ms", Date.now() - t);
