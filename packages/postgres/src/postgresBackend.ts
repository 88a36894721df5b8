import {
  type BackendCapabilities,
  basename,
  type Clock,
  dirname,
  ErrorCode,
  type FileHandle,
  type FileStat,
  LivingReportsError,
  type LockPrimitive,
  normalizePath,
  type OpenMode,
  type StorageBackend,
} from "@living-reports/core";
import type pg from "pg";
import { Database } from "./database.js";
import { DatabaseClock } from "./databaseClock.js";
import { type StatRow, toFileStat } from "./fileStat.js";
import { checkSchemaName, ensureSchema, quoteIdent } from "./migrate.js";
import { fromPgError } from "./pgErrors.js";
import { PgFileHandle } from "./pgFileHandle.js";
import { pgLockPrimitive } from "./pgLockPrimitive.js";
import { describeConnection } from "./storageId.js";

/** The options of {@link postgresBackend}. */
export interface PostgresBackendOptions {
  /** A connection string (`postgres://user@host:5432/db`, or `postgres:///db?host=/run/postgresql`). */
  readonly url?: string;
  /** More `pg` pool settings (they override what `url` says); `connectionString` may go here instead. */
  readonly pool?: pg.PoolConfig;
  /** The PostgreSQL schema that holds this store (default `living_reports`): one store per schema. */
  readonly schema?: string;
  /** Create the store's schema when absent (default true); otherwise a missing store is NOT_FOUND. */
  readonly create?: boolean;
  /** Connections this instance may open at once (default 8). */
  readonly maxConnections?: number;
  /** Server-side statement timeout in ms (default: none); a statement over it fails STORAGE_FAILURE. */
  readonly statementTimeoutMs?: number;
}

/** A {@link StorageBackend} over one store in a PostgreSQL schema. */
export interface PostgresBackend extends StorageBackend {
  /** The schema holding the store. */
  readonly schema: string;
  /** The clock locks are judged by: the database server's time. */
  readonly clock: Clock;
  /** The raw lock primitive on this store (see {@link pgLockPrimitive}). */
  lockPrimitive(on: StorageBackend): LockPrimitive;
  /**
   * Creates or checks the schema and measures the server's clock. Every primitive awaits it, so
   * calling it is optional; it is how to learn early that the server is unreachable or the schema
   * newer than this library (UNSUPPORTED_FORMAT).
   */
  ready(): Promise<void>;
  /** Closes the connection pool and stops the clock's re-measurement. Later calls fail CLOSED. */
  end(): Promise<void>;
}

/** The default schema of a store. */
export const DEFAULT_SCHEMA = "living_reports";

/**
 * A storage backend whose files, directories and hard links are rows of a PostgreSQL schema
 * (inodes and entries, so `link`, `rename` over a name and `unlink` of a linked file behave as on
 * a disk). Many app servers may open the same store: they share the rows, and the locks (leases
 * judged by the database's time).
 *
 * Guarantees: every path is checked by `normalizePath` before any statement (there are no
 * symlinks at all); each primitive is one statement in one transaction. Data written through a
 * handle is visible at once and durable when `sync`/`datasync` resolves; `rename`, `link`,
 * `unlink`, `mkdir` and `rmdir` are atomic and durable when they resolve, so `syncDir` only checks
 * that its path is a directory; `utimes`, like a write, is visible at once and durable at the next
 * sync. Failures are {@link LivingReportsError}s (pgErrors.ts):
 * a lost connection during a sync is FSYNC_FAILED, never retried as a success.
 *
 * Nothing connects until the first call (or {@link PostgresBackend.ready}).
 *
 * @throws LivingReportsError (synchronously) INVALID_INPUT for a bad schema name or no connection
 */
export function postgresBackend(options: PostgresBackendOptions): PostgresBackend {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  checkSchemaName(schema);
  const config: pg.PoolConfig = {
    max: options.maxConnections ?? 8,
    application_name: "living-reports",
    ...(options.url === undefined ? {} : { connectionString: options.url }),
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    ...options.pool,
  };
  if (config.connectionString === undefined && config.host === undefined && options.pool === undefined) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      "postgresBackend: give `url` (a postgres:// connection string)",
    );
  }
  return new PgBackend(config, schema, options.create ?? true);
}

class PgBackend implements PostgresBackend {
  readonly capabilities: BackendCapabilities = {
    name: "postgres",
    hardLinks: true,
    directorySync: true,
    durability: "real",
  };
  readonly storageId: string;
  readonly clock: DatabaseClock;
  private readonly db: Database;
  private starting: Promise<void> | undefined;

  constructor(
    config: pg.PoolConfig,
    readonly schema: string,
    private readonly create: boolean,
  ) {
    this.db = new Database(config, quoteIdent(schema));
    this.storageId = `postgres:${describeConnection(config)}#${schema}`;
    this.clock = new DatabaseClock(async () => {
      try {
        const rows = await this.db.pool.query<{ ms: number }>(
          "SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms",
        );
        return Number(rows.rows[0]?.ms);
      } catch (err) {
        throw fromPgError(err, { op: "read the server's clock", path: "" });
      }
    });
  }

  ready(): Promise<void> {
    if (this.starting === undefined) {
      this.starting = (async () => {
        await ensureSchema(this.db.pool, this.schema, this.create);
        await this.clock.start();
      })();
      // A failed start (server down) is tried again by the next call.
      this.starting.catch(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  async end(): Promise<void> {
    this.clock.stop();
    await this.db.end();
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("open", ErrorCode.WRONG_KIND, "EISDIR");
    const rows = await this.run<{ ino: string }>("open", [dirname(p), basename(p), mode], "open", p);
    const ino = rows[0]?.ino;
    if (ino === undefined)
      throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `open ${p}: no inode`, { path: p });
    return new PgFileHandle(this.db, p, Number(ino), mode);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = normalizePath(path);
    const rows = await this.run<{ read_file: Buffer }>("read_file", [p], "readFile", p);
    const data = rows[0]?.read_file ?? Buffer.alloc(0);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  async syncDir(path: string): Promise<void> {
    const p = normalizePath(path);
    await this.run("syncdir", [p], "syncDir", p);
  }

  async rename(from: string, to: string): Promise<void> {
    const [f, t] = [normalizePath(from), normalizePath(to)];
    if (f === "" || t === "") throw this.rootRefused("rename", ErrorCode.STORAGE_FAILURE, "EBUSY");
    if (t.startsWith(`${f}/`)) {
      throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `rename ${f} into itself (${t}): EINVAL`, {
        path: t,
        syscall: "EINVAL",
      });
    }
    // A name taken between the function's lookup and its move (23505) is a race lost: run it again.
    await this.run("rename", [dirname(f), basename(f), dirname(t), basename(t)], "rename", f, "23505");
  }

  async link(existing: string, to: string): Promise<void> {
    const [e, t] = [normalizePath(existing), normalizePath(to)];
    if (e === "" || t === "") throw this.rootRefused("link", ErrorCode.PERMISSION_DENIED, "EPERM");
    await this.run("link", [dirname(e), basename(e), dirname(t), basename(t)], "link", t);
  }

  async unlink(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("unlink", ErrorCode.WRONG_KIND, "EISDIR");
    await this.run("remove", [dirname(p), basename(p), "file"], "unlink", p);
  }

  async mkdir(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("mkdir", ErrorCode.ALREADY_EXISTS, "EEXIST");
    await this.run("mkdir", [dirname(p), basename(p)], "mkdir", p);
  }

  async rmdir(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("rmdir", ErrorCode.STORAGE_FAILURE, "EBUSY");
    await this.run("remove", [dirname(p), basename(p), "directory"], "rmdir", p);
  }

  async readdir(path: string): Promise<string[]> {
    const p = normalizePath(path);
    const rows = await this.run<{ readdir: string }>("readdir", [p], "readdir", p);
    // JavaScript's order (UTF-16 code units), as the other backends sort.
    return rows.map((r) => r.readdir).sort();
  }

  async stat(path: string): Promise<FileStat> {
    const p = normalizePath(path);
    const rows = await this.run<StatRow>("stat", [p], "stat", p);
    const row = rows[0];
    if (row === undefined)
      throw new LivingReportsError(ErrorCode.NOT_FOUND, `stat ${p}: ENOENT`, { path: p });
    return toFileStat(row);
  }

  async utimes(path: string, mtimeMs: number): Promise<void> {
    const p = normalizePath(path);
    await this.run("utimes", [p, mtimeMs], "utimes", p);
  }

  /**
   * Compare-and-delete of a lock instance: removes `path` only while it still has inode `ino` and
   * modification time `mtimeMs`; NOT_FOUND otherwise (that instance is gone).
   */
  async removeIf(path: string, ino: number, mtimeMs: number): Promise<void> {
    const p = normalizePath(path);
    await this.run("remove_if", [dirname(p), basename(p), ino, mtimeMs], "remove", p);
  }

  /**
   * A lease's release: removes `path` only while it is inode `ino`, committed asynchronously (see
   * pgLockPrimitive.ts); NOT_FOUND when it is no longer that instance.
   */
  async confirmStamp(path: string, ino: number, mtimeMs: number): Promise<boolean> {
    const p = normalizePath(path);
    const rows = await this.run<{ confirm_stamp: boolean }>("confirm_stamp", [p, ino, mtimeMs], "refresh", p);
    return rows[0]?.confirm_stamp === true;
  }

  async releaseIf(path: string, ino: number): Promise<void> {
    const p = normalizePath(path);
    await this.run("release_if", [dirname(p), basename(p), ino], "release", p);
  }

  lockPrimitive(on: StorageBackend): LockPrimitive {
    return pgLockPrimitive(on, this);
  }

  clockError(): number {
    return this.clock.error;
  }

  private async run<R extends pg.QueryResultRow>(
    fn: string,
    args: unknown[],
    op: string,
    path: string,
    alsoRetry?: string,
  ): Promise<R[]> {
    await this.ready();
    return await this.db.call<R>(fn, args, { op, path }, alsoRetry);
  }

  private rootRefused(op: string, code: ErrorCode, syscall: string): LivingReportsError {
    return new LivingReportsError(code, `${op}: not on the root directory: ${syscall}`, {
      path: "",
      syscall,
    });
  }
}
