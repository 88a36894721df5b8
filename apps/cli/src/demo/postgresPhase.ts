import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { type Actor, openReports, type ReportStore, type StorageBackend } from "@living-reports/core";
import { dropSchema, type PostgresBackend, postgresBackend } from "@living-reports/postgres";
import pg from "pg";
import { copyStore } from "./copyStore.js";

/** How long the demo waits for a PostgreSQL server to answer before it leaves that phase out. */
const PROBE_TIMEOUT_MS = 1_500;
/** Where a local server's socket usually is (Debian/Ubuntu, then the upstream default). */
const SOCKET_DIRS = ["/var/run/postgresql", "/tmp"];
/** Updates each app server makes of the one report they share. */
const UPDATES_EACH = 5;

/** What the demo's PostgreSQL phase did, or why it was left out. */
export type DemoPostgres =
  | { ran: false; skipped: string }
  | {
      ran: true;
      /** The server, without credentials (`user@host:port/database`). */
      server: string;
      schema: string;
      /** Whether the schema was kept (`--keep`) rather than dropped. */
      kept: boolean;
      appServers: number;
      report_id: string;
      /** The report's version before and after the concurrent updates: after = before + updates. */
      versionBefore: number;
      versionAfter: number;
      updates: number;
      lost: number;
      verify: { ok: boolean; problems: unknown[] };
      ok: boolean;
    };

/**
 * The server the demo may use: `LR_POSTGRES_URL`, then `LIVING_REPORTS_URL`, then a local
 * server's default socket (database `postgres`, as user `PGUSER` or this system user) when its
 * socket file exists; `undefined` when
 * none is named or found (no connection is tried then, so the demo stays fast without a server).
 */
export function demoServerUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const named = env.LR_POSTGRES_URL ?? env.LIVING_REPORTS_URL;
  if (named !== undefined && named !== "") return named;
  const dir = SOCKET_DIRS.find((d) => existsSync(`${d}/.s.PGSQL.5432`));
  if (dir === undefined) return undefined;
  // As psql would connect: the user named by PGUSER, or this system user.
  const user = env.PGUSER ?? env.USER ?? userInfo().username;
  return `postgres://${encodeURIComponent(user)}@localhost/postgres?host=${encodeURIComponent(dir)}`;
}

/** One `SELECT 1` with a short connection timeout: the reason the server cannot be used, or undefined. */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Phase 7, on PostgreSQL when a server is reachable (see {@link demoServerUrl}): the recovered
 * store copied into a fresh schema, then two app servers (two backend instances, each with its own
 * connection pool, as two processes would have) update one report concurrently; every update must
 * land exactly once (the version rises by their number) and verify must pass. The schema is
 * dropped afterwards unless `keep`. Without a server it is skipped and says why.
 *
 * @throws LivingReportsError when a store operation fails on a reachable server
 */
export async function postgresPhase(
  from: StorageBackend,
  options: { actor: Actor; keep: boolean; env: Readonly<Record<string, string | undefined>> },
): Promise<DemoPostgres> {
  const url = demoServerUrl(options.env);
  if (url === undefined) {
    return {
      ran: false,
      skipped: "no PostgreSQL server named (LR_POSTGRES_URL, LIVING_REPORTS_URL) or on the default socket",
    };
  }
  const unreachable = await probe(url);
  if (unreachable !== undefined)
    return { ran: false, skipped: `no PostgreSQL server answered: ${unreachable}` };
  const schema = `living_reports_demo_${randomBytes(4).toString("hex")}`;
  const servers = [0, 1].map(() => postgresBackend({ url, schema, maxConnections: 2 }));
  try {
    const first = servers[0] as PostgresBackend;
    await first.ready();
    await copyStore(from, first);
    const stores = await Promise.all(servers.map((b) => openReports(b, { actor: options.actor })));
    try {
      return await updateTogether(stores, first.storageId, schema, options.keep);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  } finally {
    await Promise.all(servers.map((b) => b.end()));
    if (!options.keep) await dropDemoSchema(url, schema);
  }
}

/** The app servers' concurrent updates of one report, and what they left. */
async function updateTogether(
  stores: ReportStore[],
  storageId: string,
  schema: string,
  kept: boolean,
): Promise<DemoPostgres> {
  const [reader, checker] = stores as [ReportStore, ReportStore];
  const [entry] = await reader.list();
  if (entry === undefined) return { ran: false, skipped: "the recovered store has no active report" };
  const id = entry.report_id;
  const versionBefore = (await reader.get(id)).outline_version;
  const tagOf = (s: number, i: number) => `server-${s}-update-${i}`;
  await Promise.all(
    stores.map(async (store, s) => {
      for (let i = 0; i < UPDATES_EACH; i++) await store.tag(id, { add: [tagOf(s, i)] });
    }),
  );
  const updates = stores.length * UPDATES_EACH;
  const after = await checker.get(id);
  const tags = new Set(Array.isArray(after.metadata.tags) ? (after.metadata.tags as unknown[]) : []);
  let lost = 0;
  for (let s = 0; s < stores.length; s++) {
    for (let i = 0; i < UPDATES_EACH; i++) if (!tags.has(tagOf(s, i))) lost++;
  }
  const report = await reader.verify();
  const verify = { ok: report.ok, problems: report.problems };
  return {
    ran: true,
    server: storageId.replace(/^postgres:/, "").replace(/#.*$/, ""),
    schema,
    kept,
    appServers: stores.length,
    report_id: id,
    versionBefore,
    versionAfter: after.outline_version,
    updates,
    lost,
    verify,
    ok: verify.ok && lost === 0 && after.outline_version === versionBefore + updates,
  };
}

/** Drops the demo's schema (best effort: a failure leaves a schema named living_reports_demo_*). */
async function dropDemoSchema(url: string, schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on("error", () => undefined);
  try {
    await dropSchema(pool, schema);
  } catch {
    // Reported nowhere: the demo's verdict does not depend on its cleanup.
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** The demo's text lines for phase 7. */
export function postgresLines(p: DemoPostgres): string[] {
  if (!p.ran) {
    return [
      `7. many app servers (postgres): SKIPPED: ${p.skipped}; set LR_POSTGRES_URL=postgres://user@host/db to include it`,
    ];
  }
  const lines = [
    `7. many app servers (postgres ${p.server}, schema ${p.schema}): ${p.appServers} app servers updated one report ${p.updates} times at once: version ${p.versionBefore} → ${p.versionAfter}, ${p.lost === 0 ? "none lost" : `${p.lost} LOST`}; ${p.verify.ok ? "verify ok" : "verify FAILED"}`,
  ];
  if (p.kept) {
    lines.push(
      `     kept schema ${p.schema}: try 'living-reports --backend postgres --url <the server> --schema ${p.schema} list'`,
    );
  }
  return lines;
}
