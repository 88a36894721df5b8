import type pg from "pg";

/**
 * Where a pool connects, without credentials: `user@host:port/database`. Two backends with the
 * same description and schema are the same store, so they get the same `storageId` (and share
 * in-process lock queues).
 */
export function describeConnection(config: pg.PoolConfig): string {
  let host = config.host;
  let port = config.port === undefined ? undefined : String(config.port);
  let database = config.database;
  let user = config.user;
  if (config.connectionString !== undefined) {
    try {
      const url = new URL(config.connectionString);
      host ??= url.searchParams.get("host") || decodeURIComponent(url.hostname) || undefined;
      port ??= url.port || undefined;
      database ??= decodeURIComponent(url.pathname.replace(/^\//, "")) || undefined;
      user ??= decodeURIComponent(url.username) || undefined;
    } catch {
      // Not a URL (a key=value string): use it whole, minus any password.
      return config.connectionString.replace(/password=\S*/gi, "");
    }
  }
  return `${user ?? ""}@${host ?? "localhost"}:${port ?? "5432"}/${database ?? ""}`;
}
