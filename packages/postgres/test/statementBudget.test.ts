import { openReports } from "@living-reports/core";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend } from "../src/index.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

/**
 * Statements that commit synchronously (a log flush each): a handle's sync, every change of names
 * (durable when it resolves), the lease functions. Every other one commits without.
 */
function isSynchronous(name: string, values: unknown[]): boolean {
  if (name === "lr_write_chunks") return values[3] === true;
  if (name === "lr_open") return values[2] !== "r" && values[2] !== "r+";
  const names = ["lr_mkdir", "lr_remove", "lr_link", "lr_rename", "lr_replace_file"];
  const leases = ["lr_lease_take", "lr_lease_renew", "lr_confirm_stamp", "lr_remove_if"];
  return names.includes(name) || leases.includes(name);
}

/**
 * Lock traffic: the lease's own statements, and the stamps and looks of waiting markers and lock
 * paths. How much of it an update makes depends on timing (a lease kept between commits lapses
 * after an idle time, a held one is refreshed every few seconds), so the budget leaves it out.
 */
function isLockTraffic(name: string, values: unknown[]): boolean {
  const lease = [
    "lr_lease_take",
    "lr_lease_renew",
    "lr_confirm_stamp",
    "lr_remove_if",
    "lr_release_if",
    "lr_utimes",
  ];
  if (lease.includes(name)) return true;
  const path = typeof values[0] === "string" ? values[0] : "";
  return name === "lr_stat" && (path.endsWith(".lock") || path.endsWith(".waiting"));
}

/** Counts the backend's statements and synchronous commits while `fn` runs, lock traffic apart. */
async function countWhile(
  fn: () => Promise<void>,
): Promise<{ statements: number; synchronous: number; lockTraffic: number }> {
  const counts = { statements: 0, synchronous: 0, lockTraffic: 0 };
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const q = args[0] as { name?: string; values?: unknown[] } | undefined;
    if (typeof q === "object" && typeof q?.name === "string" && q.name !== "lr_incarnation") {
      if (isLockTraffic(q.name, q.values ?? [])) {
        counts.lockTraffic++;
      } else {
        counts.statements++;
        if (isSynchronous(q.name, q.values ?? [])) counts.synchronous++;
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return counts;
}

// What one `update` costs on this backend, as a budget that fails when a change of the backend (or
// of core's write path) makes it dearer: statements (round trips) and synchronous commits (log
// flushes). The figures are printed for docs/BENCHMARKS.md.
reportSkipped("statement budget");
describe.runIf(POSTGRES_URL !== undefined)("postgres: the statements of an update", () => {
  let backend: PostgresBackend | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await backend?.end();
    if (schema !== undefined) await dropSchema(adminPool(), schema);
  });

  it("an update of one report by one writer costs at most 7.5 statements and 3.25 synchronous commits (core's 1 flush, and the backup's link and the outline's replace: names are durable at once), lock traffic apart", async () => {
    schema = freshSchema();
    backend = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    const store = await openReports(backend, { create: true, actor: "agent" });
    try {
      let outline = await store.create({ title: "Budget", tags: ["t"] });
      for (let i = 0; i < 3; i++) outline = await store.update({ ...outline, title: `warm ${i}` });
      const updates = 20;
      const counts = await countWhile(async () => {
        for (let i = 0; i < updates; i++) outline = await store.update({ ...outline, title: `update ${i}` });
      });
      const perUpdate = {
        statements: counts.statements / updates,
        synchronous: counts.synchronous / updates,
        lockTraffic: counts.lockTraffic / updates,
      };
      console.log(
        `postgres update: ${perUpdate.statements.toFixed(1)} statements, ${perUpdate.synchronous.toFixed(2)} synchronous commits, and ${perUpdate.lockTraffic.toFixed(1)} statements of lock traffic`,
      );
      expect(perUpdate.statements).toBeLessThanOrEqual(7.5);
      expect(perUpdate.synchronous).toBeLessThanOrEqual(3.25);
      expect(perUpdate.synchronous).toBeGreaterThanOrEqual(3);
    } finally {
      await store.close();
    }
  });
});
