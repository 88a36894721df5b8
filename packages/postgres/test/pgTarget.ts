import { randomUUID } from "node:crypto";
import type { ConformanceTarget } from "@living-reports/testkit";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend } from "../src/index.js";

/** The server the postgres tests use; without it they are skipped (and CI fails: LR_REQUIRE_POSTGRES). */
export const POSTGRES_URL = process.env.LR_POSTGRES_URL;

/** How to run the skipped tests, said wherever they are skipped. */
export const HOW_TO_RUN =
  "set LR_POSTGRES_URL (e.g. LR_POSTGRES_URL=postgres://root@127.0.0.1:5432/test npm test) to run them";

/**
 * Registers, when there is no server, one test that says the postgres tests were skipped and how
 * to run them; it fails when LR_REQUIRE_POSTGRES=1 (CI), where a skip is not acceptable.
 */
export function reportSkipped(what: string): void {
  describe.runIf(POSTGRES_URL === undefined)(`${what}: no PostgreSQL server`, () => {
    it(`skipped the postgres tests: ${HOW_TO_RUN}`, () => {
      console.warn(`postgres tests SKIPPED (${what}): LR_POSTGRES_URL is not set; ${HOW_TO_RUN}`);
      expect(process.env.LR_REQUIRE_POSTGRES, "LR_REQUIRE_POSTGRES=1 but LR_POSTGRES_URL is unset").not.toBe(
        "1",
      );
    });
  });
}

let admin: pg.Pool | undefined;

/** A pool for creating and dropping test schemas (ended after the file). */
export function adminPool(): pg.Pool {
  if (admin === undefined) {
    admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, allowExitOnIdle: true });
    admin.on("error", () => undefined);
  }
  return admin;
}

afterAll(async () => {
  await admin?.end();
  admin = undefined;
});

/** A fresh schema name for one test. */
export function freshSchema(): string {
  return `lr_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/**
 * A conformance target on the server at LR_POSTGRES_URL: each root is a fresh schema, dropped at
 * teardown with every instance over it closed. Lock time is the server's: a real sleep advances it.
 */
export function postgresTarget(name = "postgres"): ConformanceTarget {
  return {
    name,
    setup: async () => {
      const schema = freshSchema();
      const instances: PostgresBackend[] = [];
      const open = () => {
        const b = postgresBackend({ url: POSTGRES_URL ?? "", schema, maxConnections: 4 });
        instances.push(b);
        return b;
      };
      const backend = open();
      await backend.ready();
      return {
        backend,
        another: open,
        advanceClock: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
        teardown: async () => {
          await Promise.all(instances.map((b) => b.end()));
          await dropSchema(adminPool(), schema);
        },
      };
    },
  };
}
