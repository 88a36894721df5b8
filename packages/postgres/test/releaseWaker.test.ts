import { createLockManager } from "@living-reports/core";
import { afterEach, describe, expect, it } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend } from "../src/index.js";
import type { LeaseStore } from "../src/pgLockPrimitive.js";
import { RELEASE_CHANNEL } from "../src/releaseWaker.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

const LOCK = "r/.lock";

/** The server processes of `app` LISTENing for releases (its backends' listening connections). */
async function listeners(app: string): Promise<number[]> {
  const rows = await adminPool().query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE query = $1 AND application_name = $2",
    [`LISTEN ${RELEASE_CHANNEL}`, app],
  );
  return rows.rows.map((r) => r.pid);
}

/** Waits (up to 5 s) until `backend` (application name `app`) listens, started by a first watch. */
async function listening(backend: PostgresBackend, app: string): Promise<void> {
  backend.watchRelease(LOCK).cancel();
  for (let i = 0; i < 500 && (await listeners(app)).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect((await listeners(app)).length).toBeGreaterThan(0);
}

// A waiting lock taker hears of a release by NOTIFY (releaseWaker.ts); the lease row stays the truth.
reportSkipped("release waker");
describe.runIf(POSTGRES_URL !== undefined)("postgres: release notifications", () => {
  const backends: PostgresBackend[] = [];
  let schema: string | undefined;
  // Each backend under its own application name, so that the test finds (and ends) its own
  // listening connection, not another test file's running alongside.
  const open = (app = "living-reports") => {
    const b = postgresBackend({
      url: POSTGRES_URL ?? "",
      schema: schema ?? "",
      pool: { application_name: app },
    });
    backends.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.end()));
    if (schema !== undefined) await dropSchema(adminPool(), schema);
  });

  it("a lease's release and its reclaim are notified to a watcher of its path, not of another", async () => {
    schema = freshSchema();
    const [holder, waiter] = [open(), open()];
    await holder.mkdir("r");
    const leases = holder as unknown as LeaseStore;
    // A release or reclaim committed before the listening connection is up is missed (a hint
    // only): the first few may be, until it listens; one of 50 must be heard, and each one after.
    let heard = 0;
    for (let i = 0; i < 50 && heard < 3; i++) {
      const taken = await leases.leaseTake(LOCK);
      const watch = waiter.watchRelease(LOCK);
      const other = waiter.watchRelease("r/other.lock");
      if (i % 2 === 0) await leases.releaseIf(LOCK, taken.state.ino);
      else await leases.removeIf(LOCK, taken.state.ino, taken.state.mtimeMs);
      if (await watch.wait(heard > 0 ? 5_000 : 100)) heard++;
      expect(await other.wait(0)).toBe(false);
    }
    expect(heard).toBe(3);
  });

  it("a missed notification costs only time: with its listener gone, a waiter still gets the lock by polling", async () => {
    schema = freshSchema();
    const app = `lr-waker-${schema}`;
    const [holder, waiter] = [open(), open(app)];
    await holder.mkdir("r");
    const hold = createLockManager(holder, { clock: holder.clock, primitive: holder.lockPrimitive(holder) });
    const wait = createLockManager(waiter, { clock: waiter.clock, primitive: waiter.lockPrimitive(waiter) });
    // A watch made while the listener was up, which then goes away: the release it watches for is
    // missed (nothing in between makes the waiter listen again, as its next wait would).
    await listening(waiter, app);
    const missed = waiter.watchRelease(LOCK);
    const first = await hold.acquire(LOCK);
    await adminPool().query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid", [
      await listeners(app),
    ]);
    await first.release();
    expect(await missed.wait(300)).toBe(false);
    // And a waiter behind a holder gets the lock when it is released, heard or not.
    const held = await hold.acquire(LOCK);
    const next = wait.acquire(LOCK, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await held.release();
    const got = await next;
    got.assertHeld();
    await got.release();
    await Promise.all([hold.close(), wait.close()]);
  });
});
