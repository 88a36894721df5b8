import { ErrorCode, LivingReportsError } from "@living-reports/core";
import type pg from "pg";
import { fromPgError } from "./pgErrors.js";

/**
 * Refuses a server, database, role or connection whose settings make a synchronous commit not
 * durable: `fsync = off` (nothing is flushed), or `synchronous_commit = off` (what the backend
 * commits synchronously, a handle's `sync` and every change of names, would be asynchronous). Any
 * other `synchronous_commit` is kept as configured: `local`, `on`, and with synchronous
 * replication `remote_write` or `remote_apply`, which the backend's synchronous commits then wait
 * for (README, "Many app servers").
 *
 * @throws LivingReportsError STORAGE_FAILURE naming the setting; or the mapped error of the query
 */
export async function checkDurableSettings(pool: pg.Pool): Promise<void> {
  let row: { fsync: string; synchronous_commit: string } | undefined;
  try {
    const rows = await pool.query<{ fsync: string; synchronous_commit: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
    );
    row = rows.rows[0];
  } catch (err) {
    throw fromPgError(err, { op: "read the server's settings", path: "" });
  }
  const refused =
    row?.fsync === "off" ? "fsync" : row?.synchronous_commit === "off" ? "synchronous_commit" : undefined;
  if (refused === undefined) return;
  throw new LivingReportsError(
    ErrorCode.STORAGE_FAILURE,
    `the PostgreSQL setting ${refused} is off for this connection: nothing the backend commits would be durable when it says so; set it on (for the server, the database or the role)`,
    { path: "", details: { setting: refused, value: "off" } },
  );
}
