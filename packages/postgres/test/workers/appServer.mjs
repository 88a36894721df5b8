// @ts-check
/**
 * One app server of the multi-process tests: opens the postgres store over the BUILT packages
 * and performs `ops` operations, alternating store renames on the shared reports and increments
 * of a counter file under a raw cross-process lock, until done (or killed).
 *
 * Usage: `node appServer.mjs '<json config>'` with {url, schema, reports, ops, name, journal, lock}.
 *
 * Every operation has a unique id (`<name>-<n>`, the audit event's request id) and is journalled
 * with one write(2) per line: `start` before the call, `ack` once it resolved, `fail` with the
 * error code. A failed operation is not retried under the same id (its outcome may be in doubt);
 * after a failure the store is reopened, waiting for the server to come back if it is down.
 */
import * as fs from "node:fs";
import { createLockManager, isLivingReportsError, openReports } from "@living-reports/core";
import { postgresBackend } from "@living-reports/postgres";

const config = JSON.parse(process.argv[2] ?? "{}");
const journalFd = fs.openSync(config.journal, "a");
/** @param {Record<string, unknown>} line */
const journal = (line) => fs.writeSync(journalFd, `${JSON.stringify(line)}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

const backend = postgresBackend({ url: config.url, schema: config.schema, maxConnections: 4 });
const locks = createLockManager(backend, {
  clock: backend.clock,
  primitive: backend.lockPrimitive(backend),
  defaults: config.lock,
});

/** Opens the store, retrying while the server is unreachable (it may be restarting). */
async function open() {
  for (;;) {
    try {
      return await openReports(backend, { lock: config.lock, actor: "agent" });
    } catch (err) {
      journal({ reopen: isLivingReportsError(err) ? err.code : String(err) });
      await sleep(200);
    }
  }
}

/** The counter, read and written back one higher under its lock (a lost update shows a double hold). */
async function increment(/** @type {string} */ op) {
  const lock = await locks.acquire("counter/.lock");
  try {
    const value = Number(new TextDecoder().decode(await backend.readFile("counter/value")));
    await sleep(2);
    lock.assertHeld();
    const tmp = `counter/tmp-${config.name}`;
    const handle = await backend.open(tmp, "w");
    try {
      await handle.write(new TextEncoder().encode(String(value + 1)), 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    lock.assertHeld();
    await backend.rename(tmp, "counter/value");
    // A rename is atomic when it resolves, durable once its directory is synced (the backend
    // contract, as on a disk): only then is the increment acknowledged.
    await backend.syncDir("counter");
    journal({ op, value: value + 1 });
  } finally {
    await lock.release().catch(() => undefined);
  }
}

let store = await open();
for (let n = 0; n < config.ops; n++) {
  const op = `${config.name}-${n}`;
  const kind = n % 3 === 2 ? "inc" : "rename";
  const id = config.reports[n % config.reports.length];
  journal({ start: op, kind, id });
  try {
    if (kind === "inc") await increment(op);
    else await store.rename(id, `title ${op}`, { requestId: op });
    journal({ ack: op, kind, id });
  } catch (err) {
    journal({ fail: op, kind, code: isLivingReportsError(err) ? err.code : String(err) });
    await store.close().catch(() => undefined);
    await sleep(100);
    store = await open();
  }
}
await store.close();
await locks.close().catch(() => undefined);
await backend.end();
journal({ done: config.name });
