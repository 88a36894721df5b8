/**
 * One process of `update-8-processes` (forked by trials/postgres.ts with a JSON config): opens
 * the store, updates its report `warmup` times, says `ready`, waits for `go`, updates it `count`
 * times, and answers `done` with each update's latency (µs).
 */
import { openReports } from "@living-reports/core";
import { isContender } from "./names.js";
import { benchBackend, type UpdatePeerMessage } from "./trials/postgres.js";

const config = JSON.parse(process.argv[2] ?? "{}") as {
  contender: string;
  dir: string;
  report: string;
  count: number;
  warmup: number;
};
const send = (m: UpdatePeerMessage) => process.send?.(m);
try {
  if (!isContender(config.contender)) throw new Error(`no contender ${config.contender}`);
  const { backend, end } = benchBackend(config.contender, config.dir);
  const store = await openReports(backend, { actor: "agent" });
  let outline = await store.get(config.report);
  let n = 0;
  const update = async () => {
    outline = await store.update({ ...outline, title: `Update ${process.pid} ${n++}` });
  };
  for (let i = 0; i < config.warmup; i++) await update();
  const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
  send({ type: "ready" });
  await go;
  const latenciesUs: number[] = [];
  for (let i = 0; i < config.count; i++) {
    const t = performance.now();
    await update();
    latenciesUs.push((performance.now() - t) * 1000);
  }
  await store.close();
  await end();
  send({ type: "done", latenciesUs });
} catch (err) {
  send({ type: "error", error: String(err) });
}
process.disconnect?.();
