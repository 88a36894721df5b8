/**
 * @living-reports/core: durable storage for living reports.
 *
 * - `backend/`: the storage-backend interface every file operation goes through
 * - `lock/`: the lock interface and its one implementation over any backend
 * - `errors/`: one error class with stable codes
 * - `schema/`: the zod models of the on-disk data
 * - `durable/`: atomic replace, the framed audit log, backups
 * - `store/`: the report store, its index and recovery, and `openReports()`
 */
export * from "./backend/index.js";
export * from "./durable/index.js";
export * from "./errors/index.js";
export * from "./lock/index.js";
export * from "./schema/index.js";
export * from "./store/index.js";
