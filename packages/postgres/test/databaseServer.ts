import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import pg from "pg";

/** The local cluster's version directory (`/etc/postgresql/<version>`), if this machine has one. */
function clusterVersion(): string | undefined {
  try {
    return fs.readdirSync("/etc/postgresql")[0];
  } catch {
    return undefined;
  }
}

/** True when this process can stop and start the local server with `pg_ctlcluster`. */
export function canCrashServer(): boolean {
  if (clusterVersion() === undefined) return false;
  try {
    // Lists the clusters; fails when the tools are missing or this user may not use them.
    execFileSync("pg_lsclusters", [], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function ctl(action: "start" | "stop", extra: string[] = []): void {
  const version = clusterVersion();
  if (version === undefined) throw new Error("no local PostgreSQL cluster");
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", action, ...extra], {
    stdio: "pipe",
  });
}

/** Crashes the server: an immediate shutdown (no checkpoint; recovery replays the log at start). */
export function crashServer(): void {
  ctl("stop", ["-m", "immediate"]);
}

/**
 * {@link crashServer} without blocking this process: its own statements keep running until the
 * server dies under them, so that the last ones acknowledged are a moment old, not already
 * flushed by the server's background writer.
 */
export function crashServerWhileRunning(): Promise<void> {
  const version = clusterVersion();
  if (version === undefined) return Promise.reject(new Error("no local PostgreSQL cluster"));
  const args = ["--skip-systemctl-redirect", version, "main", "stop", "-m", "immediate"];
  return new Promise((resolve, reject) => {
    execFile("pg_ctlcluster", args, (err) => (err === null ? resolve() : reject(err)));
  });
}

/** Starts the server unless it is running, and waits until it accepts connections. */
export async function ensureServerUp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(`the server did not come back within ${timeoutMs} ms`, { cause: err });
      if (attempt % 10 === 0) {
        try {
          ctl("start");
        } catch {
          // Already running, or still shutting down: keep waiting.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
