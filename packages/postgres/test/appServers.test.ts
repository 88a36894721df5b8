import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { dropSchema } from "../src/index.js";
import {
  checkOutcome,
  expectSound,
  journalDir,
  seedStore,
  startAppServer,
  waitForAcks,
} from "./appServers.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

const URL = POSTGRES_URL ?? "";

// Several processes as separate app servers on one store in one database: every acknowledged
// change recorded exactly once, no double hold (a raw-lock counter loses no increment), verify
// clean; then the same with app servers killed with SIGKILL mid-operation.
reportSkipped("app servers");
describe.runIf(POSTGRES_URL !== undefined)("postgres: several app servers on one store", () => {
  it("4 app servers × 30 operations on 3 reports: nothing lost or duplicated, no double hold", async () => {
    const schema = freshSchema();
    const dir = journalDir();
    try {
      const reports = await seedStore(URL, schema, 3);
      const servers = ["a", "b", "c", "d"].map((name) => startAppServer(URL, schema, reports, name, 30, dir));
      const codes = await Promise.all(servers.map((s) => s.exited));
      expect(codes, servers.map((s) => s.stderr()).join("\n")).toEqual([0, 0, 0, 0]);
      const outcome = await checkOutcome(URL, schema, reports, dir);
      expect(outcome.acked).toBe(120);
      expect(outcome.failed).toBe(0);
      expect(outcome.counter).toBe(outcome.incAcked);
      expectSound(outcome, expect);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await dropSchema(adminPool(), schema);
    }
  }, 240_000);

  it("kill -9 of app servers mid-workload: the others reclaim their locks, every acknowledged change survives", async () => {
    const schema = freshSchema();
    const dir = journalDir();
    try {
      const reports = await seedStore(URL, schema, 2);
      const first = ["a", "b", "c"].map((name) => startAppServer(URL, schema, reports, name, 200, dir));
      await waitForAcks(dir, 20);
      // Two of them die where they stand, quite possibly holding a report's lock or the counter's.
      first[0]?.child.kill("SIGKILL");
      first[1]?.child.kill("SIGKILL");
      await waitForAcks(dir, 30);
      first[2]?.child.kill("SIGKILL");
      const later = ["d", "e"].map((name) => startAppServer(URL, schema, reports, name, 12, dir));
      const codes = await Promise.all(later.map((s) => s.exited));
      expect(codes, later.map((s) => s.stderr()).join("\n")).toEqual([0, 0]);
      await Promise.all(first.map((s) => s.exited));
      const outcome = await checkOutcome(URL, schema, reports, dir);
      expect(outcome.acked).toBeGreaterThanOrEqual(30 + 24);
      expectSound(outcome, expect);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await dropSchema(adminPool(), schema);
    }
  }, 300_000);
});
