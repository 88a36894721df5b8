import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { createLockManager } from "@living-reports/core";
import { type PostgresBackend, postgresBackend } from "@living-reports/postgres";
import pg from "pg";
import type { StoreBackendFactory } from "../update/storeEngine.js";

/**
 * The postgres contender (`living-reports-postgres`): the store on the PostgreSQL server at
 * `LR_POSTGRES_URL` (or `LIVING_REPORTS_URL`), one fresh schema per trial, dropped after it.
 * Without a URL the contender is left out of the run (registry.ts).
 */
export const POSTGRES_URL = process.env.LR_POSTGRES_URL ?? process.env.LIVING_REPORTS_URL;

/** The schema of the trial working in `dir` (every process of the trial derives the same one). */
function benchSchema(dir: string): string {
  return `bench_${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 16)}`;
}

/** A postgres backend over the trial's schema. */
function benchPostgres(dir: string): PostgresBackend {
  if (POSTGRES_URL === undefined) throw new Error("living-reports-postgres needs LR_POSTGRES_URL");
  return postgresBackend({ url: POSTGRES_URL, schema: benchSchema(dir), maxConnections: 4 });
}

/** The store of a postgres trial in `dir`: its own schema (the `living-reports-postgres` engine). */
export const postgresStoreFactory: StoreBackendFactory = async (dir) => {
  const backend = benchPostgres(dir);
  return { backend, close: () => backend.end() };
};

/** Drops the schema of the trial in `dir`. */
export async function dropSchema(dir: string): Promise<void> {
  if (POSTGRES_URL === undefined) return;
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${benchSchema(dir)}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** The postgres lock user of `lock-handoff-crossprocess`: a lease in the trial's schema. */
export function postgresLockSide(dir: string): {
  acquire(): Promise<() => Promise<void>>;
  close(): Promise<void>;
} {
  const backend = benchPostgres(dir);
  const locks = createLockManager(backend, {
    clock: backend.clock,
    primitive: backend.lockPrimitive(backend),
  });
  let prepared: Promise<void> | undefined;
  return {
    acquire: async () => {
      prepared ??= backend.mkdir("report").catch(() => undefined);
      await prepared;
      const handle = await locks.acquire("report/.lock");
      return () => handle.release();
    },
    close: async () => {
      await locks.close();
      await backend.end();
    },
  };
}
