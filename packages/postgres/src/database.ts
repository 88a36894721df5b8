import { ErrorCode, LivingReportsError } from "@living-reports/core";
import pg from "pg";
import { type FailedCall, fromPgError, isRetryable, stateOf } from "./pgErrors.js";

/** How many times a statement rolled back by a serialization failure or deadlock is run again. */
const MAX_RETRIES = 20;

/**
 * One store's connection to PostgreSQL: a pool, the quoted schema, and {@link call}, which runs
 * one of the schema's functions as one statement (one transaction, one round trip).
 */
export class Database {
  readonly pool: pg.Pool;
  private ended = false;

  constructor(
    config: pg.PoolConfig,
    /** The quoted schema identifier. */
    readonly schema: string,
  ) {
    this.pool = new pg.Pool({ allowExitOnIdle: true, ...config });
    // An idle connection that the server drops (a restart, a crash) is reported here; the pool
    // forgets it and the next statement opens a new one. Without a listener Node would throw.
    this.pool.on("error", () => undefined);
  }

  /**
   * Runs `SELECT * FROM <schema>.<fn>($1, ...)` and returns its rows. A statement rolled back by
   * a serialization failure or a deadlock is run again (it took no effect); nothing else is
   * retried, a lost connection least of all (its commit is in doubt).
   *
   * @throws LivingReportsError mapped by {@link fromPgError}; CLOSED after {@link end}
   */
  async call<R extends pg.QueryResultRow>(
    fn: string,
    args: unknown[],
    failed: FailedCall,
    /** One more SQLSTATE that means "nothing happened, run it again" for this function. */
    alsoRetry?: string,
  ): Promise<R[]> {
    if (this.ended) {
      throw new LivingReportsError(ErrorCode.CLOSED, `${failed.op} ${failed.path}: the backend was closed`, {
        path: failed.path,
      });
    }
    const params = args.map((_, i) => `$${i + 1}`).join(", ");
    const query = { name: `lr_${fn}`, text: `SELECT * FROM ${this.schema}.${fn}(${params})`, values: args };
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.pool.query<R>(query)).rows;
      } catch (err) {
        const again = isRetryable(err) || (alsoRetry !== undefined && stateOf(err) === alsoRetry);
        if (!again || attempt >= MAX_RETRIES) throw fromPgError(err, failed);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** Closes the pool (idempotent). */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}
