/**
 * @living-reports/postgres: a living-reports storage backend over PostgreSQL, one store per
 * schema, shared by many app servers, with locks judged by the database's time.
 */
export { DatabaseClock } from "./databaseClock.js";
export { dropSchema } from "./migrate.js";
export { fromPgError } from "./pgErrors.js";
export { pgLockPrimitive } from "./pgLockPrimitive.js";
export {
  DEFAULT_SCHEMA,
  type PostgresBackend,
  type PostgresBackendOptions,
  postgresBackend,
} from "./postgresBackend.js";
export { RELEASE_CHANNEL, type ReleaseWatch } from "./releaseWaker.js";
export { SCHEMA_VERSION } from "./sql/schemaSql.js";
