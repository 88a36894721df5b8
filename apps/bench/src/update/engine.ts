import type { Contender } from "../names.js";

/**
 * One contender of the update workloads: a store (or database) on which one logical update is
 * "keep the previous version, replace a ~4 KiB outline, append a chained audit event, upsert the
 * index entry", durably, before the call resolves. The workloads (workloads.ts) are written once
 * against this interface, so any backend runs all of them: living-reports over a
 * `StorageBackend` factory (storeEngine.ts), and the peers.
 */
export interface UpdateEngine {
  /**
   * Makes the empty store at `dir` (the trial's folder; a backend that does not live in files
   * derives its store's name from it). Called once per trial, before any writer opens it.
   */
  prepare(dir: string): Promise<void>;
  /** Opens a writer on the prepared store; several may be open at once, in several processes. */
  open(dir: string): Promise<UpdateSession>;
  /**
   * Removes the store of a finished trial when it does not live in the trial folder (a database
   * schema, say); called once per trial, after every writer closed, whatever happened. File stores
   * need none: the folder is removed with the trial.
   */
  dispose?(dir: string): Promise<void>;
}

/** A writer on an update engine's store. */
export interface UpdateSession {
  /** Creates a report (setup, not measured) and returns its number in this session. */
  create(): Promise<number>;
  /** One durable update of report `report` (a number `create` returned); `i` varies its content. */
  update(report: number, i: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The update engines by contender, loaded lazily (a worker process loads only its own). A new
 * backend adds its contender name to names.ts and a line here, e.g.
 * `"my-backend": async () => storeEngine((await import("../trials/myBackend.js")).factory)`.
 */
export const UPDATE_ENGINES: Partial<Record<Contender, () => Promise<UpdateEngine>>> = {
  "living-reports": async () => {
    const { storeEngine, nodeFsStoreFactory } = await import("./storeEngine.js");
    return storeEngine(nodeFsStoreFactory);
  },
  "node-baseline-sync": async () => (await import("./bareEngine.js")).bareEngine,
  "sqlite-wal-full": async () => (await import("./sqliteEngine.js")).sqliteEngine("wal"),
  "sqlite-rollback-full": async () => (await import("./sqliteEngine.js")).sqliteEngine("delete"),
  lmdb: async () => (await import("./lmdbEngine.js")).lmdbEngine(),
  "living-reports-postgres": async () => {
    const { storeEngine } = await import("./storeEngine.js");
    const { postgresStoreFactory, dropSchema } = await import("../trials/postgres.js");
    return storeEngine(postgresStoreFactory, { dispose: dropSchema });
  },
};

/**
 * The engine of `contender`.
 * @throws Error when the contender has no update engine
 */
export async function loadEngine(contender: Contender): Promise<UpdateEngine> {
  const load = UPDATE_ENGINES[contender];
  if (load === undefined) throw new Error(`${contender} has no update engine`);
  return await load();
}
