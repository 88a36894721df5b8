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
  type LockState,
  normalizePath,
  type OpenMode,
  type StorageBackend,
} from "@living-reports/core";
import type pg from "pg";
import { type Commit, Database, READ } from "./database.js";
import { DatabaseClock } from "./databaseClock.js";
import { type PathStatRow, pathStat } from "./fileStat.js";
import { InodeWriters } from "./inodeWriters.js";
import { checkSchemaName, ensureSchema, quoteIdent } from "./migrate.js";
import { fromPgError } from "./pgErrors.js";
import { PgFileHandle } from "./pgFileHandle.js";
import { pgLockPrimitive } from "./pgLockPrimitive.js";
import { ReleaseWaker, type ReleaseWatch } from "./releaseWaker.js";
import { checkDurableSettings } from "./serverSettings.js";
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
  /** `stat`, resolving `undefined` where it rejects NOT_FOUND (one statement, no error). */
  statIfExists(path: string): Promise<FileStat | undefined>;
  /**
   * A new file holding `data` at `path`, replacing the file there, in one statement (the optional
   * `replaceFile` of the backend interface): visible whole and durable when it resolves, like a
   * rename.
   */
  replaceFile(path: string, data: Uint8Array): Promise<void>;
  /**
   * Subscribes to the release (or reclaim) of the lease at `path`: a hint that a waiter may try
   * again now (see ReleaseWaker, releaseWaker.ts); the lock primitive uses it.
   */
  watchRelease(path: string): ReleaseWatch;
  /** The raw lock primitive on this store (see {@link pgLockPrimitive}). */
  lockPrimitive(on: StorageBackend): LockPrimitive;
  /**
   * Checks that the server's settings let a synchronous commit be durable (`fsync` and
   * `synchronous_commit` not off: STORAGE_FAILURE otherwise), creates or checks the schema and
   * measures the server's clock. Every primitive awaits it, so calling it is optional; it is how
   * to learn early that the server is unreachable or the schema newer than this library
   * (UNSUPPORTED_FORMAT).
   */
  ready(): Promise<void>;
  /** Closes the connection pool and stops the clock's re-measurement. Later calls fail CLOSED. */
  end(): Promise<void>;
}

/** A synchronous commit that is the durability point of nothing in particular (it covers all before it). */
const SYNC: Commit = { kind: "sync" };

/** A change of names: committed synchronously, durable when it resolves (it covers all before it too). */
const NAMES: Commit = SYNC;

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
 * handle is, as a disk's page cache, visible to other readers once the handle is closed or synced
 * (pgFileHandle.ts) and durable when `sync`/`datasync` resolves; a file's creation, `rename`,
 * `link`, `unlink`, `mkdir`, `rmdir` and `replaceFile` are atomic, visible and durable when they
 * resolve (a synchronous commit each; `capabilities.durableNames`), so `syncDir` only checks its
 * path; `utimes` is visible at once and durable at the next sync. Durable only in this order: the server
 * flushes its log in order, so after a crash of the server what survived is a prefix of what was
 * committed. A sync after a crash that may have lost an unsynced change it covers fails
 * FSYNC_FAILED (database.ts). Failures are {@link LivingReportsError}s (pgErrors.ts): a lost
 * connection during a sync is FSYNC_FAILED, never retried as a success.
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
    durableNames: true,
    durability: "real",
  };
  readonly storageId: string;
  readonly clock: DatabaseClock;
  private readonly db: Database;
  private readonly writers = new InodeWriters();
  private readonly waker: ReleaseWaker;
  private starting: Promise<void> | undefined;

  constructor(
    config: pg.PoolConfig,
    readonly schema: string,
    private readonly create: boolean,
  ) {
    this.db = new Database(config, quoteIdent(schema));
    this.waker = new ReleaseWaker(config, `${quoteIdent(schema)}:`);
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
        await checkDurableSettings(this.db.pool);
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
    await this.waker.end();
    await this.db.end();
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("open", ErrorCode.WRONG_KIND, "EISDIR");
    const before = this.db.activity;
    const rows = await this.run<{ ino: string; size: string; mtime_ms: number }>(
      "open",
      [dirname(p), basename(p), mode],
      "open",
      p,
      mode === "r" || mode === "r+" ? READ : NAMES,
    );
    const row = rows[0];
    if (row === undefined)
      throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `open ${p}: no inode`, { path: p });
    const n = Number(row.ino);
    // What open found, for an fstat right after it (see PgFileHandle): when nothing else ran.
    const opened = {
      stat: { kind: "file" as const, size: Number(row.size), mtimeMs: Number(row.mtime_ms), ino: n },
      at: this.db.activityAfterOne(before),
    };
    return new PgFileHandle(this.db, p, n, mode, this.writers.join(n), () => this.writers.leave(n), opened);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = normalizePath(path);
    await this.writers.sendAll();
    const rows = await this.run<{ read_file: Buffer }>("read_file", [p], "readFile", p, READ);
    const data = rows[0]?.read_file ?? Buffer.alloc(0);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  async syncDir(path: string): Promise<void> {
    const p = normalizePath(path);
    // Every change of names is durable when it resolves: this only checks the path.
    await this.run("syncdir", [p], "syncDir", p, READ);
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
    await this.run("rename", [dirname(f), basename(f), dirname(t), basename(t)], "rename", f, NAMES, "23505");
  }

  async replaceFile(path: string, data: Uint8Array): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("rename", ErrorCode.STORAGE_FAILURE, "EBUSY");
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await this.run("replace_file", [dirname(p), basename(p), bytes], "replace", p, NAMES);
  }

  async link(existing: string, to: string): Promise<void> {
    const [e, t] = [normalizePath(existing), normalizePath(to)];
    if (e === "" || t === "") throw this.rootRefused("link", ErrorCode.PERMISSION_DENIED, "EPERM");
    await this.run("link", [dirname(e), basename(e), dirname(t), basename(t)], "link", t, NAMES);
  }

  async unlink(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("unlink", ErrorCode.WRONG_KIND, "EISDIR");
    await this.run("remove", [dirname(p), basename(p), "file"], "unlink", p, NAMES);
  }

  async mkdir(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("mkdir", ErrorCode.ALREADY_EXISTS, "EEXIST");
    await this.run("mkdir", [dirname(p), basename(p)], "mkdir", p, NAMES);
  }

  async rmdir(path: string): Promise<void> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("rmdir", ErrorCode.STORAGE_FAILURE, "EBUSY");
    await this.run("remove", [dirname(p), basename(p), "directory"], "rmdir", p, NAMES);
  }

  async readdir(path: string): Promise<string[]> {
    const p = normalizePath(path);
    const rows = await this.run<{ readdir: string }>("readdir", [p], "readdir", p, READ);
    // JavaScript's order (UTF-16 code units), as the other backends sort.
    return rows.map((r) => r.readdir).sort();
  }

  async stat(path: string): Promise<FileStat> {
    const p = normalizePath(path);
    return pathStat(await this.statRow(p), p);
  }

  /**
   * {@link stat}, resolving `undefined` where it rejects NOT_FOUND (the optional `statIfExists`
   * of the backend interface): the same one statement, without an error for an absent name.
   */
  async statIfExists(path: string): Promise<FileStat | undefined> {
    const p = normalizePath(path);
    const row = await this.statRow(p);
    if (row === undefined || row.err === "LRNOT") return undefined;
    return pathStat(row, p);
  }

  async utimes(path: string, mtimeMs: number): Promise<void> {
    const p = normalizePath(path);
    // Volatile until a sync, as an mtime on a disk; a lease's renewal is made durable on its own.
    await this.run("utimes", [p, mtimeMs], "utimes", p, { kind: "async" });
  }

  /**
   * Compare-and-delete of a lock instance: removes `path` only while it still has inode `ino` and
   * modification time `mtimeMs`; NOT_FOUND otherwise (that instance is gone).
   */
  async removeIf(path: string, ino: number, mtimeMs: number): Promise<void> {
    const p = normalizePath(path);
    await this.run("remove_if", [dirname(p), basename(p), ino, mtimeMs], "remove", p, SYNC);
  }

  /**
   * A renewal stamped through a wrapper (with `utimes`) made durable: true while `path` is still
   * inode `ino` stamped `mtimeMs`, after a synchronous commit.
   */
  async confirmStamp(path: string, ino: number, mtimeMs: number): Promise<boolean> {
    const p = normalizePath(path);
    const rows = await this.run<{ confirm_stamp: boolean }>(
      "confirm_stamp",
      [p, ino, mtimeMs],
      "refresh",
      p,
      SYNC,
    );
    return rows[0]?.confirm_stamp === true;
  }

  /**
   * A new lease at `path` (a directory stamped with the server's time, one synchronous commit):
   * `taken`, with its state; or, when the name is taken, the state of what holds it (no commit).
   */
  async leaseTake(path: string): Promise<{ taken: boolean; state: LockState }> {
    const p = normalizePath(path);
    if (p === "") throw this.rootRefused("mkdir", ErrorCode.ALREADY_EXISTS, "EEXIST");
    const rows = await this.run<{ taken: boolean; kind: string; ino: string; mtime_ms: number }>(
      "lease_take",
      [dirname(p), basename(p)],
      "mkdir",
      p,
      SYNC,
    );
    const row = rows[0];
    if (row === undefined)
      throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `mkdir ${p}: no row`, { path: p });
    return {
      taken: row.taken,
      state: {
        kind: row.kind === "file" ? "file" : "directory",
        ino: Number(row.ino),
        mtimeMs: Number(row.mtime_ms),
      },
    };
  }

  /**
   * Stamps the lease at `path` with `mtimeMs` (one synchronous commit) while it is inode `ino`
   * last stamped `was`: `ok`, or `replaced`. NOT_FOUND when nothing is at `path`.
   */
  async leaseRenew(path: string, ino: number, was: number, mtimeMs: number): Promise<"ok" | "replaced"> {
    const p = normalizePath(path);
    const rows = await this.run<{ lease_renew: string }>(
      "lease_renew",
      [p, ino, was, mtimeMs],
      "refresh",
      p,
      SYNC,
    );
    return rows[0]?.lease_renew === "ok" ? "ok" : "replaced";
  }

  /**
   * A lease's release: removes `path` only while it is inode `ino`, committed asynchronously (see
   * pgLockPrimitive.ts); NOT_FOUND when it is no longer that instance.
   */
  async releaseIf(path: string, ino: number): Promise<void> {
    const p = normalizePath(path);
    await this.run("release_if", [dirname(p), basename(p), ino], "release", p, { kind: "async" });
  }

  /** Subscribes to the release of the lease at `path` (a hint: see {@link ReleaseWaker}). */
  watchRelease(path: string): ReleaseWatch {
    return this.waker.watch(normalizePath(path));
  }

  onRestart(listener: () => void): () => void {
    return this.db.onRestart(listener);
  }

  lockPrimitive(on: StorageBackend): LockPrimitive {
    return pgLockPrimitive(on, this);
  }

  clockError(): number {
    return this.clock.error;
  }

  /**
   * The `stat` row of `p` (normalised). This process's buffered writes go first (a read through
   * the page cache sees them): in the same statement as the stat when they are one file's.
   */
  private async statRow(p: string): Promise<PathStatRow | undefined> {
    return (
      (await this.writers.sendAllThenStat(p)) ??
      (await this.run<PathStatRow>("stat", [p], "stat", p, READ))[0]
    );
  }

  private async run<R extends pg.QueryResultRow>(
    fn: string,
    args: unknown[],
    op: string,
    path: string,
    commit: Commit,
    alsoRetry?: string,
  ): Promise<R[]> {
    await this.ready();
    return await this.db.call<R>(fn, args, { op, path }, commit, alsoRetry);
  }

  private rootRefused(op: string, code: ErrorCode, syscall: string): LivingReportsError {
    return new LivingReportsError(code, `${op}: not on the root directory: ${syscall}`, {
      path: "",
      syscall,
    });
  }
}
