import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { openReports } from "@living-reports/core";
import { postgresBackend } from "../src/index.js";

const WORKER = fileURLToPath(new URL("./workers/appServer.mjs", import.meta.url));

/** Lock timings of the multi-process tests: short stale time, so that dead holders are reclaimed soon. */
export const TEST_LOCK = { timeoutMs: 120_000, staleMs: 3_000, refreshMs: 500 };

/** One app-server process. */
export interface AppServer {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `node appServer.mjs` doing `ops` operations on `reports` of the store in `schema`. */
export function startAppServer(
  url: string,
  schema: string,
  reports: string[],
  name: string,
  ops: number,
  dir: string,
): AppServer {
  const config = {
    url,
    schema,
    reports,
    ops,
    name,
    journal: path.join(dir, `${name}.jsonl`),
    lock: TEST_LOCK,
  };
  const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, child, exited, stderr: () => err };
}

/** A temporary directory for journals. */
export function journalDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "lr-pg-"));
}

/** Creates the store in `schema` with `count` reports and the counter, and returns the report ids. */
export async function seedStore(url: string, schema: string, count: number): Promise<string[]> {
  const backend = postgresBackend({ url, schema });
  try {
    const store = await openReports(backend, { create: true });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await store.create({ title: `report ${i}` })).report_id);
    await store.close();
    await backend.mkdir("counter");
    const h = await backend.open("counter/value", "wx");
    await h.write(new TextEncoder().encode("0"), 0);
    await h.sync();
    await h.close();
    return ids;
  } finally {
    await backend.end();
  }
}

/** What the journals say and what the store holds, compared. */
export interface Outcome {
  acked: number;
  failed: number;
  /** Acknowledged renames whose event is missing (G2). */
  lost: string[];
  /** Request ids recorded more than once (G3). */
  duplicated: string[];
  /** Events with a request id no journal started. */
  unknown: string[];
  /** Acknowledged and failed increments, and the counter's final value. */
  incAcked: number;
  incFailed: number;
  /** Increments started and neither acknowledged nor failed (their process was killed). */
  incInFlight: number;
  counter: number;
  /** `verify()` problems after recovery. */
  problems: unknown[];
  /** Versions that did not rise by exactly one per event (G6), per report. */
  versionGaps: string[];
}

/** Reads every journal in `dir`, opens the store (recovering it) and checks it against them. */
export async function checkOutcome(
  url: string,
  schema: string,
  reports: string[],
  dir: string,
): Promise<Outcome> {
  const started = new Set<string>();
  const ackedRenames = new Set<string>();
  let acked = 0;
  let failed = 0;
  let incAcked = 0;
  let incFailed = 0;
  const incStarted = new Set<string>();
  const incResolved = new Set<string>();
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), "utf8").split("\n")) {
      if (line === "") continue;
      const entry = JSON.parse(line) as { start?: string; ack?: string; fail?: string; kind?: string };
      if (entry.start !== undefined) started.add(entry.start);
      if (entry.start !== undefined && entry.kind === "inc") incStarted.add(entry.start);
      if (entry.kind === "inc" && (entry.ack ?? entry.fail) !== undefined)
        incResolved.add(entry.ack ?? entry.fail ?? "");
      if (entry.ack !== undefined) {
        acked++;
        if (entry.kind === "inc") incAcked++;
        else ackedRenames.add(entry.ack);
      }
      if (entry.fail !== undefined) {
        failed++;
        if (entry.kind === "inc") incFailed++;
      }
    }
  }
  const backend = postgresBackend({ url, schema });
  try {
    const store = await openReports(backend, {});
    const seen = new Map<string, number>();
    const versionGaps: string[] = [];
    for (const id of reports) {
      const history = await store.history(id);
      history.forEach((event, i) => {
        const rid = event.request_id;
        if (typeof rid === "string") seen.set(rid, (seen.get(rid) ?? 0) + 1);
        const version = (event.payload as { outline_version?: number }).outline_version;
        if (version !== undefined && version !== i + 1)
          versionGaps.push(`${id}: event ${i + 1} has v${version}`);
      });
    }
    const problems = (await store.verify()).problems;
    await store.close();
    const counter = Number(new TextDecoder().decode(await backend.readFile("counter/value")));
    return {
      acked,
      failed,
      lost: [...ackedRenames].filter((op) => seen.get(op) !== 1),
      duplicated: [...seen].filter(([, n]) => n > 1).map(([op]) => op),
      unknown: [...seen.keys()].filter((op) => !started.has(op)),
      incAcked,
      incFailed,
      incInFlight: [...incStarted].filter((op) => !incResolved.has(op)).length,
      counter,
      problems,
      versionGaps,
    };
  } finally {
    await backend.end();
  }
}

/** Resolves once the journals in `dir` hold at least `n` acknowledgements (polling). */
export async function waitForAcks(dir: string, n: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let acks = 0;
    for (const file of fs.readdirSync(dir)) {
      acks += fs.readFileSync(path.join(dir, file), "utf8").split('"ack"').length - 1;
    }
    if (acks >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${acks} of ${n} acknowledgements after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every acknowledged change is there once, nothing is duplicated, no double hold, verify clean. */
export function expectSound(
  o: Outcome,
  expect: (v: unknown, m?: string) => { toEqual(x: unknown): void },
): void {
  expect(o.lost, "acknowledged renames missing or duplicated").toEqual([]);
  expect(o.duplicated, "request ids recorded twice").toEqual([]);
  expect(o.unknown, "events nobody started").toEqual([]);
  expect(o.versionGaps, "outline_version not rising by one per event").toEqual([]);
  expect(o.problems, "verify problems").toEqual([]);
  const counterOk = o.counter >= o.incAcked && o.counter <= o.incAcked + o.incFailed + o.incInFlight;
  expect(
    counterOk,
    `counter ${o.counter} vs ${o.incAcked} acknowledged, ${o.incFailed} failed, ${o.incInFlight} in flight (a lost increment is a double hold)`,
  ).toEqual(true);
}
