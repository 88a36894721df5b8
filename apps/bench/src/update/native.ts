import * as fs from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The optional native peers (better-sqlite3, lmdb), loaded by name at run time so that the bench
 * builds, typechecks and tests without them: both are optionalDependencies, and better-sqlite3
 * has to be compiled (`npm run bench:setup`). Only the few calls the bench makes are typed here.
 */

/** A prepared statement of better-sqlite3. */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The part of a better-sqlite3 `Database` the bench uses. */
export interface SqliteDatabase {
  pragma(source: string, options?: { simple: boolean }): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): unknown;
}

/** better-sqlite3's default export. `timeout` is the busy timeout in ms. */
export type SqliteConstructor = new (file: string, options?: { timeout?: number }) => SqliteDatabase;

/** The part of an lmdb-js database the bench uses. */
export interface LmdbDatabase {
  get(key: string): unknown;
  put(key: string, value: unknown): unknown;
  getRange(options: { start: string; end: string }): Iterable<{ key: unknown; value: unknown }>;
  transaction(fn: () => void): Promise<unknown>;
  readonly flushed: PromiseLike<unknown>;
  close(): Promise<void>;
}

/** lmdb-js's `open`. */
export type LmdbOpen = (options: { path: string }) => LmdbDatabase;

const require = createRequire(import.meta.url);

/**
 * better-sqlite3's constructor, checked by opening an in-memory database.
 * @throws Error saying why it cannot be used (not installed, or its native part not built)
 */
export function loadSqlite(): SqliteConstructor {
  const Database = loadModule("better-sqlite3") as SqliteConstructor;
  const probe = new Database(":memory:");
  probe.close();
  return Database;
}

/** SQLite's version, from the loaded library (for the report). */
export function sqliteVersion(Database: SqliteConstructor): string {
  const db = new Database(":memory:");
  try {
    const row = db.prepare("select sqlite_version() as v").get() as { v: string };
    return row.v;
  } finally {
    db.close();
  }
}

/**
 * lmdb-js's `open`.
 * @throws Error saying why it cannot be used (not installed, or no binary for this platform)
 */
export function loadLmdb(): LmdbOpen {
  const lmdb = loadModule("lmdb") as { open?: LmdbOpen };
  if (typeof lmdb.open !== "function") throw new Error("lmdb has no open()");
  return lmdb.open;
}

/**
 * The installed version of an optional package, or undefined: read from the package.json above its
 * entry point (a package's `exports` map may not expose its package.json).
 */
export function packageVersion(name: string): string | undefined {
  try {
    let dir = dirname(require.resolve(name));
    for (;;) {
      const manifest = join(dir, "package.json");
      if (fs.existsSync(manifest)) {
        const json = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
        if (json.name === name) return json.version;
      }
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  } catch {
    return undefined;
  }
}

/** Why each optional peer cannot run here, by package; a package that loads is absent. */
export function unavailableNativePeers(): Map<"better-sqlite3" | "lmdb", string> {
  const why = new Map<"better-sqlite3" | "lmdb", string>();
  try {
    loadSqlite();
  } catch (err) {
    const text = reason(err);
    const unbuilt = text.startsWith("Could not locate the bindings file");
    why.set(
      "better-sqlite3",
      unbuilt
        ? "better-sqlite3 is installed but its native module is not built (npm run bench:setup builds it)"
        : `${text} (npm run bench:setup builds it)`,
    );
  }
  try {
    loadLmdb();
  } catch (err) {
    why.set("lmdb", reason(err));
  }
  return why;
}

function loadModule(name: string): unknown {
  try {
    return require(name);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "MODULE_NOT_FOUND" && packageVersion(name) === undefined) {
      throw new Error(`${name} is not installed (an optional dependency: npm ci skipped it or failed to)`);
    }
    throw err;
  }
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
