import { ErrorCode, LivingReportsError } from "@living-reports/core";
import pg from "pg";
import { type FailedCall, fromPgError, isConnectionLoss, isRetryable, stateOf } from "./pgErrors.js";
import { UnsyncedCommits } from "./unsyncedCommits.js";

/** How many times a statement rolled back by a serialization failure or deadlock is run again. */
const MAX_RETRIES = 20;

/**
 * How a statement commits, for the bookkeeping of {@link UnsyncedCommits}: `read` (nothing to
 * commit), `async` (`synchronous_commit = off`: it makes `keys` durable only at a later
 * synchronous commit), or `sync` (a synchronous commit, the durability point of `keys`).
 */
export interface Commit {
  readonly kind: "read" | "async" | "sync";
  /** What the statement changes or makes durable: `ino:<n>` for a file's data. */
  readonly keys?: readonly string[];
}

/** A statement that only reads. */
export const READ: Commit = { kind: "read" };

/**
 * One store's connection to PostgreSQL: a pool, the quoted schema, and {@link call}, which runs
 * one of the schema's functions as one statement (one transaction, one round trip) on a pooled
 * connection, as a named (prepared) statement.
 *
 * A failed statement does not cost its connection: `pg`'s `pool.query` would drop the connection
 * on any error, so that an expected NOT_FOUND (a stat of an absent waiting marker, a lock already
 * taken) opened a new connection each time; here only a connection that was lost or broke is
 * dropped.
 */
export class Database {
  readonly pool: pg.Pool;
  private ended = false;
  /** The server incarnation each connection saw when it first committed (see schemaSql.ts). */
  private readonly incarnations = new WeakMap<pg.PoolClient, string>();
  private readonly unsynced = new UnsyncedCommits();
  /** Every incarnation a connection of this instance was seen in, and the latest of them. */
  private readonly seen = new Set<string>();
  private latest: string | undefined;
  private readonly restartListeners = new Set<() => void>();
  /** Statements started plus statements ended through this instance (see {@link activity}). */
  private moves = 0;

  constructor(
    config: pg.PoolConfig,
    /** The quoted schema identifier. */
    readonly schema: string,
  ) {
    this.pool = new pg.Pool({ allowExitOnIdle: true, ...config });
    // An idle connection that the server drops (a restart, a crash) is reported here; the pool
    // forgets it and the next statement opens a new one. Without a listener Node would throw.
    this.pool.on("error", () => undefined);
    // A connection lost while checked out emits "error" too; its statement fails on its own.
    this.pool.on("connect", (client) => {
      client.on("error", () => undefined);
    });
  }

  /**
   * A count that moves (by one) whenever a statement of this instance starts and whenever one
   * ends. A caller that read it as `n` just before its own statement and reads `n + 2` after it
   * knows that no other statement of this instance ran meanwhile, so that nothing this process
   * learned or changed through the database since is missing from what its statement returned.
   */
  get activity(): number {
    return this.moves;
  }

  /**
   * What {@link activity} reads once a statement begun when it read `before` has ended, if no
   * other statement of this instance started or ended meanwhile: its start and its end each move
   * the count once (see {@link call}). A caller that finds this value later knows that nothing
   * ran since its statement either.
   */
  activityAfterOne(before: number): number {
    return before + 2;
  }

  /**
   * Runs `SELECT * FROM <schema>.<fn>($1, ...)` and returns its rows. A statement rolled back by
   * a serialization failure or a deadlock is run again (it took no effect); nothing else is
   * retried, a lost connection least of all (its commit is in doubt).
   *
   * A `sync` statement that resolved made every earlier asynchronous commit of this server
   * incarnation durable; when one of its `keys` was changed asynchronously in an earlier
   * incarnation (the server crashed and recovered in between, so that change may be lost), it
   * fails FSYNC_FAILED instead, once, as Linux reports a writeback error at the next fsync. The
   * first change after such a restart fails without running (see {@link onRestart}).
   *
   * @throws LivingReportsError mapped by {@link fromPgError}; CLOSED after {@link end};
   *   FSYNC_FAILED or STORAGE_FAILURE as above
   */
  async call<R extends pg.QueryResultRow>(
    fn: string,
    args: unknown[],
    failed: FailedCall,
    commit: Commit,
    /** One more SQLSTATE that means "nothing happened, run it again" for this function. */
    alsoRetry?: string,
  ): Promise<R[]> {
    if (this.ended) {
      throw new LivingReportsError(ErrorCode.CLOSED, `${failed.op} ${failed.path}: the backend was closed`, {
        path: failed.path,
      });
    }
    this.moves++;
    try {
      return await this.run<R>(fn, args, failed, commit, alsoRetry);
    } finally {
      this.moves++;
    }
  }

  private async run<R extends pg.QueryResultRow>(
    fn: string,
    args: unknown[],
    failed: FailedCall,
    commit: Commit,
    alsoRetry: string | undefined,
  ): Promise<R[]> {
    const params = args.map((_, i) => `$${i + 1}`).join(", ");
    const query = { name: `lr_${fn}`, text: `SELECT * FROM ${this.schema}.${fn}(${params})`, values: args };
    const client = await this.connect(failed);
    let broken = false;
    try {
      const incarnation = commit.kind === "read" ? "" : await this.incarnationOf(client);
      if (commit.kind !== "read") this.checkRestart(incarnation, commit, failed);
      const mark = this.unsynced.mark();
      for (let attempt = 0; ; attempt++) {
        try {
          const rows = (await client.query<R>(query)).rows;
          if (commit.kind === "async") this.unsynced.record(commit.keys ?? [], incarnation);
          if (commit.kind === "sync") this.checkSynced(commit.keys ?? [], incarnation, mark, failed);
          return rows;
        } catch (err) {
          const again = isRetryable(err) || (alsoRetry !== undefined && stateOf(err) === alsoRetry);
          if (!again || attempt >= MAX_RETRIES) throw err;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
        }
      }
    } catch (err) {
      broken = !isHealthyAfter(err);
      throw fromPgError(err, failed);
    } finally {
      client.release(broken);
    }
  }

  /**
   * Registers `listener`, called when this instance finds that the server restarted from a crash
   * while it had asynchronous commits no synchronous one had covered (they may be lost). Returns
   * the function that unregisters it.
   */
  onRestart(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Closes the pool (idempotent). */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }

  private async connect(failed: FailedCall): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw fromPgError(err, failed);
    }
  }

  private async incarnationOf(client: pg.PoolClient): Promise<string> {
    let token = this.incarnations.get(client);
    if (token === undefined) {
      const rows = await client.query<{ token: string }>({
        name: "lr_incarnation",
        text: `SELECT ${this.schema}.incarnation() AS token`,
      });
      token = String(rows.rows[0]?.token);
      this.incarnations.set(client, token);
    }
    return token;
  }

  /**
   * The first change made in a new incarnation of the server, after unsynced changes made in an
   * earlier one: those may be lost, and this process's view of the store (what it cached, the
   * locks it kept between commits without recovering) may no longer match the database. It is
   * told as a disk's crash would tell it: the listeners (the leases held) give up their locks,
   * and this statement fails without running, so the caller recovers before it writes again.
   * A connection of an incarnation seen before is a stale one (it fails on its own).
   *
   * @throws LivingReportsError STORAGE_FAILURE (FSYNC_FAILED for a sync) as above
   */
  private checkRestart(incarnation: string, commit: Commit, failed: FailedCall): void {
    if (this.seen.has(incarnation)) return;
    this.seen.add(incarnation);
    const before = this.latest;
    this.latest = incarnation;
    if (before === undefined || !this.unsynced.anyOutside(incarnation)) return;
    // A sync failing here has told its caller about its own keys' losses.
    if (commit.kind === "sync") this.unsynced.synced(commit.keys ?? [], incarnation, -1);
    for (const listener of [...this.restartListeners]) listener();
    throw new LivingReportsError(
      commit.kind === "sync" ? ErrorCode.FSYNC_FAILED : ErrorCode.STORAGE_FAILURE,
      `${failed.op} ${failed.path}: the database server restarted after a crash and may have lost this process's unsynced changes; its locks are given up and nothing was done`,
      { path: failed.path },
    );
  }

  private checkSynced(keys: readonly string[], incarnation: string, mark: number, failed: FailedCall): void {
    const lost = this.unsynced.synced(keys, incarnation, mark);
    if (lost === undefined) return;
    throw new LivingReportsError(
      ErrorCode.FSYNC_FAILED,
      `${failed.op} ${failed.path}: the server restarted after an unsynced change (${lost}) it may have lost`,
      { path: failed.path },
    );
  }
}

/**
 * True when the connection can serve the next statement after `err`: the server reported an
 * ordinary error (an ERROR, not FATAL or PANIC) and the connection was not lost.
 */
function isHealthyAfter(err: unknown): boolean {
  if (err instanceof LivingReportsError) return true;
  if (!(err instanceof pg.DatabaseError)) return false;
  return err.severity === "ERROR" && !isConnectionLoss(err);
}
