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

/**
 * Opens the store at the run's `--root` for one command and always closes it afterwards.
 * Only {@link init} creates a store: every other command on a root without one fails NOT_FOUND.
 */
export class StoreAccess {
  readonly settings: StoreSettings;

  constructor(settings: StoreSettings) {
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
      await opened.close().catch(() => undefined);
      throw err;
    }
    await opened.close();
    return result;
  }

  /**
   * Creates the root directory and the store layout unless a store is there already.
   * @returns whether a new store was created
   */
  async init(): Promise<{ created: boolean }> {
    const existed = await this.#open({ access: "read" }, false).then(
      async (opened) => {
        await opened.close();
        return true;
      },
      (err: unknown) => {
        if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
        throw err;
      },
    );
    if (existed) return { created: false };
    const opened = await this.#open({ access: "write" }, true);
    await opened.close();
    return { created: true };
  }

  /** Opens the store; `close` closes it, then the backend's connections (postgres). */
  async #open(mode: OpenMode, create: boolean): Promise<{ store: ReportStore; close(): Promise<void> }> {
    const options: OpenReportsOptions = {
      actor: this.settings.actor,
      readOnly: mode.access === "read",
      create,
    };
    if (this.settings.lockTimeoutMs !== undefined) options.lock = { timeoutMs: this.settings.lockTimeoutMs };
    if (mode.onProgress !== undefined) options.onProgress = mode.onProgress;
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
      const close = async () => {
        try {
          await store.close();
        } finally {
          await end?.call(backend);
        }
      };
      return { store, close };
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
