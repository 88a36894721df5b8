import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLockManager, type Outline, openReports, type StorageBackend } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { type PostgresBackend, postgresBackend } from "@living-reports/postgres";
import pg from "pg";
import { outlineOfSize } from "../fixtures.js";
import type { Measurement } from "../measurement.js";
import type { Contender } from "../names.js";
import { sequential, type Trial } from "./trialContext.js";

/**
 * The postgres contender (`living-reports-postgres`): the store on the PostgreSQL server at
 * `LR_POSTGRES_URL` (or `LIVING_REPORTS_URL`), one fresh schema per trial, dropped after it.
 * Without a URL the contender is left out of the run (registry.ts).
 */
export const POSTGRES_URL = process.env.LR_POSTGRES_URL ?? process.env.LIVING_REPORTS_URL;

/** Processes of `update-8-processes`, each updating its own report. */
export const UPDATE_PROCESSES = 8;
const OUTLINE_BYTES = 4096;
const PEER = fileURLToPath(new URL("../updatePeer.js", import.meta.url));

/** The schema of the trial working in `dir` (every process of the trial derives the same one). */
function benchSchema(dir: string): string {
  return `bench_${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 16)}`;
}

/** A postgres backend over the trial's schema. */
function benchPostgres(dir: string): PostgresBackend {
  if (POSTGRES_URL === undefined) throw new Error("living-reports-postgres needs LR_POSTGRES_URL");
  return postgresBackend({ url: POSTGRES_URL, schema: benchSchema(dir), maxConnections: 4 });
}

/** The backend of a store contender in `dir`, and how to let go of it. */
export function benchBackend(
  contender: Contender,
  dir: string,
): { backend: StorageBackend; end(): Promise<void> } {
  if (contender !== "living-reports-postgres")
    return { backend: nodeFsBackend({ root: dir }), end: async () => {} };
  const backend = benchPostgres(dir);
  return { backend, end: () => backend.end() };
}

/** Drops the trial's schema (nothing when it is not a postgres trial). */
async function dropSchema(contender: Contender, dir: string): Promise<void> {
  if (contender !== "living-reports-postgres" || POSTGRES_URL === undefined) return;
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${benchSchema(dir)}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** Runs `trial`, then drops its schema whatever happened. */
export function withSchema(contender: Contender, trial: Trial): Trial {
  return async (ctx) => {
    try {
      return await trial(ctx);
    } finally {
      await dropSchema(contender, ctx.dir);
    }
  };
}

/** `update` on postgres: the same full update as the node-fs contender (update.ts). */
export const postgresUpdate: Trial = withSchema("living-reports-postgres", async (ctx) => {
  const { backend, end } = benchBackend("living-reports-postgres", ctx.dir);
  const store = await openReports(backend, { create: true, actor: "agent" });
  try {
    const seed = outlineOfSize(OUTLINE_BYTES);
    let outline: Outline = await store.create({
      title: seed.title,
      sections: seed.sections,
      tags: ["growth"],
    });
    return await sequential(ctx, async (i) => {
      outline = await store.update({ ...outline, title: `Growth review ${i}` });
    });
  } finally {
    await store.close();
    await end();
  }
});

/**
 * `update-8-processes`: 8 processes (app servers) open the same store, each updating its own
 * report; the measurement is all their updates over the wall time from a common start.
 */
export function updateProcesses(contender: Contender): Trial {
  return withSchema(contender, async (ctx) => {
    const reports = await seedReports(contender, ctx.dir);
    const share = (total: number, w: number) =>
      Math.floor(total / UPDATE_PROCESSES) + (w < total % UPDATE_PROCESSES ? 1 : 0);
    const peers = reports.map((report, w) =>
      fork(PEER, [JSON.stringify({ contender, dir: ctx.dir, report, count: share(ctx.ops, w), warmup: 2 })]),
    );
    try {
      await Promise.all(peers.map((p) => message(p, "ready")));
      const start = performance.now();
      for (const p of peers) p.send({ type: "go" });
      const done = await Promise.all(peers.map((p) => message(p, "done")));
      const elapsedMs = performance.now() - start;
      const latenciesUs = done.flatMap((m) => m.latenciesUs ?? []);
      return { ops: latenciesUs.length, elapsedMs, latenciesUs } satisfies Measurement;
    } finally {
      for (const p of peers) p.kill();
    }
  });
}

async function seedReports(contender: Contender, dir: string): Promise<string[]> {
  const { backend, end } = benchBackend(contender, dir);
  const store = await openReports(backend, { create: true, actor: "agent" });
  try {
    const seed = outlineOfSize(OUTLINE_BYTES);
    const ids: string[] = [];
    for (let w = 0; w < UPDATE_PROCESSES; w++) {
      ids.push((await store.create({ title: `${seed.title} ${w}`, sections: seed.sections })).report_id);
    }
    return ids;
  } finally {
    await store.close();
    await end();
  }
}

/** A message between `update-8-processes` and its peers. */
export interface UpdatePeerMessage {
  type: "ready" | "go" | "done" | "error";
  latenciesUs?: number[];
  error?: string;
}

function message(peer: ChildProcess, type: UpdatePeerMessage["type"]): Promise<UpdatePeerMessage> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (m: UpdatePeerMessage) => {
      if (m.type === "error") reject(new Error(`update peer: ${m.error ?? "failed"}`));
      else if (m.type === type) resolvePromise(m);
      else return;
      peer.off("message", onMessage);
    };
    peer.on("message", onMessage);
    peer.once("exit", (code) => reject(new Error(`update peer exited (${code}) before '${type}'`)));
  });
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
