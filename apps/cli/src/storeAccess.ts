import {
  ErrorCode,
  isLivingReportsError,
  LivingReportsError,
  type OpenReportsOptions,
  openReports,
  type Progress,
  type ReportStore,
  type StorageBackend,
} from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { postgresBackend } from "@living-reports/postgres";
import { usageError } from "./cliError.js";
import type { StoreSettings } from "./globalOptions.js";

/** How a command wants its store opened. */
export interface OpenMode {
  /** `read`: read-only (nothing written, no recovery runs); `write`: recovers and writes. */
  readonly access: "read" | "write";
  /** Receives progress of long work (rebuild, verify, repair). */
  readonly onProgress?: (progress: Progress) => void;
}

/** An opened store; `close` closes it, then the backend's connections (postgres). */
interface Opened {
  readonly store: ReportStore;
  close(): Promise<void>;
}

/**
 * Opens the store at the run's `--root` for one command and always closes it afterwards.
 * Only {@link init} creates a store: every other command on a root without one fails NOT_FOUND.
 */
export class StoreAccess {
  readonly settings: StoreSettings;
  /** Stores opened and not yet closed: what {@link interrupt} must close. */
  readonly #live = new Set<Opened>();
  #interrupted = false;

  /**
   * @param onCloseFailure - told when closing a store fails after the command's work succeeded:
   *   the work is committed (the library resolved it, so it is durable), only the tidying of the
   *   close (index flush or rebuild, session lock removal) failed, which recovery redoes; the command
   *   must not then report failure, or a retried `create` would make a duplicate report.
   */
  constructor(
    settings: StoreSettings,
    private readonly onCloseFailure: (err: unknown) => void = () => undefined,
  ) {
    this.settings = settings;
  }

  /** The store's root directory (absolute). */
  get root(): string {
    return this.settings.root;
  }

  /**
   * Runs `fn` on the opened store, then closes it (also when `fn` throws).
   * @throws LivingReportsError NOT_FOUND when the root holds no store; whatever `fn` or opening throws
   */
  async use<T>(mode: OpenMode, fn: (store: ReportStore) => Promise<T>): Promise<T> {
    const opened = await this.#open(mode, false);
    let result: T;
    try {
      result = await fn(opened.store);
    } catch (err) {
      // The command's failure is what the operator must see; a failing close must not hide it.
      await this.#close(opened).catch(() => undefined);
      throw err;
    }
    await this.#close(opened).catch(this.onCloseFailure);
    return result;
  }

  /**
   * Ends the run's work on the store (SIGINT, SIGTERM): every store this access opened is closed,
   * which releases its report and index locks, stops the lock-refresh timers and removes the
   * session lock; a store still opening is closed as soon as it opens, and nothing opens after.
   * A commit cut here is what a crash would leave, and the next writer recovers it (docs/GUARANTEES.md).
   * Never throws: close failures are returned, for the message.
   */
  async interrupt(): Promise<unknown[]> {
    this.#interrupted = true;
    const stores = [...this.#live];
    const failures: unknown[] = [];
    await Promise.all(stores.map((s) => this.#close(s).catch((err: unknown) => failures.push(err))));
    return failures;
  }

  async #close(opened: Opened): Promise<void> {
    this.#live.delete(opened);
    await opened.close();
  }

  /**
   * Creates the root directory and the store layout unless a store is there already.
   * @returns whether a new store was created
   */
  async init(): Promise<{ created: boolean }> {
    const existed = await this.#open({ access: "read" }, false).then(
      async (opened) => {
        await this.#close(opened);
        return true;
      },
      (err: unknown) => {
        if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
        throw err;
      },
    );
    if (existed) return { created: false };
    const opened = await this.#open({ access: "write" }, true);
    await this.#close(opened);
    return { created: true };
  }

  async #open(mode: OpenMode, create: boolean): Promise<Opened> {
    const options: OpenReportsOptions = {
      actor: this.settings.actor,
      readOnly: mode.access === "read",
      create,
    };
    if (this.settings.lockTimeoutMs !== undefined) options.lock = { timeoutMs: this.settings.lockTimeoutMs };
    if (mode.onProgress !== undefined) options.onProgress = mode.onProgress;
    if (this.#interrupted) throw interrupted();
    if (this.settings.memfs === true) {
      throw usageError("--backend memfs is for crashcheck only: a store lives on node-fs or postgres");
    }
    const pg = this.settings.postgres;
    let backend: (StorageBackend & { end?: () => Promise<void> }) | undefined;
    try {
      // Inside the try: a missing root throws NOT_FOUND here, which becomes "no store at ...".
      backend =
        pg === undefined ? nodeFsBackend({ root: this.root, create }) : postgresBackend({ ...pg, create });
      const store = await openReports(backend, options);
      const end = backend.end;
      const opened: Opened = {
        store,
        close: async () => {
          try {
            await store.close();
          } finally {
            await end?.call(backend);
          }
        },
      };
      if (this.#interrupted) {
        await opened.close().catch(() => undefined);
        throw interrupted();
      }
      this.#live.add(opened);
      return opened;
    } catch (err) {
      await backend?.end?.().catch(() => undefined);
      if (!create && isLivingReportsError(err, ErrorCode.NOT_FOUND)) {
        if (pg !== undefined) {
          throw new LivingReportsError(
            ErrorCode.NOT_FOUND,
            `no store in ${this.root} (create one with 'living-reports --backend postgres init')`,
            { path: this.root, cause: err },
          );
        }
        throw new LivingReportsError(
          ErrorCode.NOT_FOUND,
          `no store at ${this.root} (create one with 'living-reports init')`,
          { path: this.root, cause: err },
        );
      }
      throw err;
    }
  }
}

function interrupted(): LivingReportsError {
  return new LivingReportsError(ErrorCode.CLOSED, "the command was interrupted: no store is opened any more");
}
