/**
 * The same hot paths through `nodeFsBackend` itself, once per {@link FsyncApi}: checks that the
 * backend's choice (sync metadata and writes, adaptive syncs) keeps the best of both raw APIs.
 */
import { type FsyncApi, nodeFsBackend } from "@living-reports/node-fs";
import type { Workload } from "./workload.js";

const PAGE = new Uint8Array(4096).fill(0x61);
const LINE = new TextEncoder().encode(`${JSON.stringify({ action_id: "x".repeat(270) })}\n`);
const REPORTS = 8;

type Backend = ReturnType<typeof nodeFsBackend>;

async function replaces(backend: Backend, dir: string, ops: number): Promise<void> {
  for (let i = 0; i < ops; i++) {
    const tmp = `${dir}/outline.json.tmp-${i}`;
    const handle = await backend.open(tmp, "wx");
    await handle.write(PAGE, 0);
    await handle.sync();
    await handle.close();
    await backend.rename(tmp, `${dir}/outline.json`);
    await backend.syncDir(dir);
  }
}

async function appends(backend: Backend, file: string, ops: number): Promise<void> {
  const handle = await backend.open(file, "a");
  for (let i = 0; i < ops; i++) {
    await handle.write(LINE);
    await handle.datasync();
  }
  await handle.close();
}

/** Runs `each` in `reports` report directories at once, `ops / reports` operations each. */
function across(
  reports: number,
  fsyncApi: FsyncApi,
  each: (backend: Backend, dir: string, ops: number) => Promise<void>,
): Workload["run"] {
  return async (root, ops) => {
    const backend = nodeFsBackend({ root, fsyncApi });
    const dirs = Array.from({ length: reports }, (_, i) => `r${i}`);
    for (const d of dirs) await backend.mkdir(d);
    await Promise.all(dirs.map((d) => each(backend, d, ops / reports)));
  };
}

const appendIn = (backend: Backend, dir: string, ops: number): Promise<void> =>
  appends(backend, `${dir}/audit.jsonl`, ops);

/** The backend variants. */
export const backendWorkloads: Workload[] = (["sync", "promise", "adaptive"] as const).flatMap((api) => [
  { name: `backend replace 4 KiB, fsyncApi ${api}`, run: across(1, api, replaces) },
  { name: `backend replace 4 KiB x 8 reports, fsyncApi ${api}`, run: across(REPORTS, api, replaces) },
  { name: `backend append + fdatasync, fsyncApi ${api}`, run: across(1, api, appendIn) },
  { name: `backend append x 8 logs, fsyncApi ${api}`, run: across(REPORTS, api, appendIn) },
]);
