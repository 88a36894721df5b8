import { ErrorCode, LivingReportsError } from "@living-reports/core";
import type pg from "pg";
import { fromPgError } from "./pgErrors.js";
import { migrationDdl, SCHEMA_VERSION, schemaDdl } from "./sql/schemaSql.js";

/**
 * Makes sure schema `schema` (unquoted name) holds a store of {@link SCHEMA_VERSION}: creates it
 * when absent (and `create` is set), migrates an older one in the same transaction, refuses a
 * newer one. Concurrent callers (several app servers
 * starting at once) are serialised by a transaction-scoped advisory lock on the schema's name.
 *
 * @throws LivingReportsError UNSUPPORTED_FORMAT for a schema newer than this library knows;
 *   NOT_FOUND when the store is absent and `create` is false; STORAGE_FAILURE (or another mapped
 *   code) when the database refuses
 */
export async function ensureSchema(pool: pg.Pool, schema: string, create: boolean): Promise<void> {
  const quoted = quoteIdent(schema);
  const failed = { op: "open store", path: "" };
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw fromPgError(err, failed);
  }
  let broken = false;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`living-reports schema ${schema}`]);
    const version = await readVersion(client, schema);
    if (version === undefined) {
      if (!create) {
        throw new LivingReportsError(ErrorCode.NOT_FOUND, `no living-reports store in schema ${schema}`, {
          path: "",
        });
      }
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(`CREATE TABLE ${quoted}.meta (key text PRIMARY KEY, value text NOT NULL)`);
      await client.query(schemaDdl(quoted));
      await client.query(`INSERT INTO ${quoted}.meta VALUES ('schema_version', $1)`, [
        String(SCHEMA_VERSION),
      ]);
    } else if (version > SCHEMA_VERSION) {
      throw new LivingReportsError(
        ErrorCode.UNSUPPORTED_FORMAT,
        `schema ${schema} has store schema version ${version}; this library knows up to ${SCHEMA_VERSION}`,
        { path: "", details: { version, supported: SCHEMA_VERSION } },
      );
    } else if (version < SCHEMA_VERSION) {
      await client.query(migrationDdl(quoted, version));
      await client.query(`UPDATE ${quoted}.meta SET value = $1 WHERE key = 'schema_version'`, [
        String(SCHEMA_VERSION),
      ]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw fromPgError(err, failed);
  } finally {
    client.release(broken);
  }
}

/** The store's schema version, or `undefined` when the schema or its meta table is absent. */
async function readVersion(client: pg.PoolClient, schema: string): Promise<number | undefined> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [
    `${quoteIdent(schema)}.meta`,
  ]);
  if (exists.rows[0]?.t == null) return undefined;
  const row = await client.query<{ value: string }>(
    `SELECT value FROM ${quoteIdent(schema)}.meta WHERE key = 'schema_version'`,
  );
  const value = row.rows[0]?.value;
  return value === undefined ? undefined : Number(value);
}

/**
 * Drops a store's schema and everything in it: every report, irrevocably. For tests and
 * for operators removing a store; the backend itself never calls it.
 *
 * @throws LivingReportsError INVALID_INPUT for a bad schema name; mapped database errors
 */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } catch (err) {
    throw fromPgError(err, { op: "drop store", path: "" });
  }
}

/** A schema name as SQL: checked to be a plain lowercase identifier, then double-quoted. */
export function quoteIdent(schema: string): string {
  checkSchemaName(schema);
  return `"${schema}"`;
}

/**
 * @throws LivingReportsError INVALID_INPUT unless `schema` is 1 to 63 of `[a-z0-9_]`, not starting
 *   with a digit, and not `pg_`-prefixed (PostgreSQL reserves those)
 */
export function checkSchemaName(schema: string): void {
  if (typeof schema !== "string" || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema.startsWith("pg_")) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `invalid schema name ${JSON.stringify(schema)}: use 1 to 63 of a-z, 0-9 and _, not starting with a digit or pg_`,
    );
  }
}
