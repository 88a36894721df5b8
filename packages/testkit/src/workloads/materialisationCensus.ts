import {
  ErrorCode,
  isLivingReportsError,
  parseAuditLog,
  type StorageBackend,
  sha256Hex,
} from "@living-reports/core";
import type { CrashChecker } from "../explorer/workload.js";
import { reportPaths } from "./reportPaths.js";
import { storeChecker } from "./storeChecker.js";

/**
 * What a crash left of a commit's files after its commit point (the audit record carrying the
 * new outline is durable), counted per crash state before recovery, and what recovery mended:
 * - `outlineMissing`, `outlineTorn` (does not parse), `outlineBehind` (parses, an older outline);
 * - `backupMissing`, `backupTorn`: the backup the head record names (the previous outline's link);
 * - `indexBehind`: the index's last line for the report is not the head's outline (or is missing);
 * - `mended`: recovery's actions, by name (`rolled_forward_commit`, `restored_backup`, ...).
 */
export interface MaterialisationCensus {
  states: number;
  outlineMissing: number;
  outlineTorn: number;
  outlineBehind: number;
  backupMissing: number;
  backupTorn: number;
  indexBehind: number;
  mended: Record<string, number>;
}

/**
 * The store checker, counting in `census` the states in which a crash fell between an update's
 * flush and the materialisation of its files (docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report),
 * so that a test can assert that the explorer reaches each of them.
 *
 * @param options - the `openReports` options of {@link storeChecker}
 */
export function materialisationCensus(
  census: MaterialisationCensus,
  options: Parameters<typeof storeChecker>[0] = {},
): CrashChecker {
  const check = storeChecker(options, (recovery) => {
    for (const m of recovery.mended) census.mended[m.action] = (census.mended[m.action] ?? 0) + 1;
  });
  return async (ctx) => {
    census.states += 1;
    const ids = await listOrEmpty(ctx.backend, "by_id");
    const index = await indexEntries(ctx.backend);
    for (const id of ids) await countReport(ctx.backend, id, index, census);
    return await check(ctx);
  };
}

/** A census with every count at zero. */
export function emptyCensus(): MaterialisationCensus {
  return {
    states: 0,
    outlineMissing: 0,
    outlineTorn: 0,
    outlineBehind: 0,
    backupMissing: 0,
    backupTorn: 0,
    indexBehind: 0,
    mended: {},
  };
}

async function countReport(
  backend: StorageBackend,
  id: string,
  index: ReadonlyMap<string, Record<string, unknown>>,
  census: MaterialisationCensus,
): Promise<void> {
  const log = await readOrUndefined(backend, reportPaths.audit(id));
  if (log === undefined) return;
  const lines = parseAuditLog(log).lines;
  const head = lines.at(-1)?.record;
  const outline = head?.outline as Record<string, unknown> | undefined;
  if (head === undefined || outline === undefined) return;
  // Past the commit point of the head: the files may lag behind it.
  const file = await readOrUndefined(backend, reportPaths.outline(id));
  if (file === undefined) census.outlineMissing += 1;
  else if (!parses(file)) census.outlineTorn += 1;
  else if (sha256Hex(file) !== head.outline_sha256) census.outlineBehind += 1;
  const payload = head.payload as Record<string, unknown> | undefined;
  const backup = payload?.backup_filename;
  const previous = lines.at(-2)?.record.outline_sha256;
  if (typeof backup === "string" && typeof previous === "string") {
    const bytes = await readOrUndefined(backend, reportPaths.backup(id, backup));
    if (bytes === undefined) census.backupMissing += 1;
    else if (sha256Hex(bytes) !== previous) census.backupTorn += 1;
  }
  const entry = index.get(id);
  if (
    entry === undefined ||
    entry.current_title !== outline.title ||
    entry.updated_at !== outline.updated_at
  ) {
    census.indexBehind += 1;
  }
}

function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/** The last entry of each report in `index.jsonl` (lines that do not parse are skipped). */
async function indexEntries(backend: StorageBackend): Promise<Map<string, Record<string, unknown>>> {
  const entries = new Map<string, Record<string, unknown>>();
  const bytes = await readOrUndefined(backend, reportPaths.index);
  for (const line of new TextDecoder().decode(bytes ?? new Uint8Array()).split("\n")) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.report_id === "string") entries.set(entry.report_id, entry);
    } catch {
      // A torn line: the report's entry is what the lines before it said.
    }
  }
  return entries;
}

async function readOrUndefined(backend: StorageBackend, path: string): Promise<Uint8Array | undefined> {
  try {
    return await backend.readFile(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
    throw err;
  }
}

async function listOrEmpty(backend: StorageBackend, path: string): Promise<string[]> {
  try {
    return (await backend.readdir(path)).sort();
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return [];
    throw err;
  }
}
