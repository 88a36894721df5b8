import { dirname } from "../backend/paths.js";
import type { StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { atomicReplace } from "./atomicReplace.js";

const BACKUP_PATTERN = /^outline\.json\.(\d{8})T(\d{6})_(\d{6})\.bak$/;

/**
 * Makes `to` a durable backup of the file at `from`: after it resolves, `to` exists with the
 * content `from` had, and survives a crash. Never skips silently (the Python module's
 * "best effort" backup could).
 *
 * - With `capabilities.hardLinks`: `link(from, to)` then `syncDir(dirname(to))`: O(1), no data
 *   copied. Safe because `from` (an outline) is only ever replaced by rename, never edited in
 *   place, so the linked inode keeps the old content.
 * - Otherwise: a copy written by {@link atomicReplace} (temp, fsync, rename, directory sync), so
 *   a crash never leaves a partial file under a backup's name.
 *
 * With `durable: false` (a backup whose content the audit log holds, docs/DESIGN.md) the link or
 * copy is made without any flush: it is visible at once and may vanish at a crash.
 *
 * @returns how the backup was made
 * @throws LivingReportsError ALREADY_EXISTS if `to` exists (a backup is never overwritten),
 *   NOT_FOUND if `from` is missing, or the mapped I/O error (FSYNC_FAILED, NO_SPACE, ...)
 */
export async function makeBackup(
  backend: StorageBackend,
  from: string,
  to: string,
  options: { durable?: boolean } = {},
): Promise<"link" | "copy"> {
  const durable = options.durable ?? true;
  const dir = dirname(to);
  if (backend.capabilities.hardLinks) {
    try {
      await backend.link(from, to);
    } catch (err) {
      throw fromSystemError(err, to, "link");
    }
    if (!durable) return "link";
    try {
      await backend.syncDir(dir);
    } catch (err) {
      throw fromSystemError(err, dir, "syncDir");
    }
    return "link";
  }
  await refuseExisting(backend, to);
  let data: Uint8Array;
  try {
    data = await backend.readFile(from);
  } catch (err) {
    throw fromSystemError(err, from, "read");
  }
  await atomicReplace(backend, to, data, { syncData: durable, syncDirectory: durable });
  return "copy";
}

/**
 * The name of a backup taken at `now`: `outline.json.<UTC yyyymmddTHHMMSS_micro>.bak` as the
 * Python module names them, the 6-digit microsecond field being `milliseconds × 1000`. When that
 * name is in `taken`, the microsecond count is bumped (carrying into the seconds) until it is
 * not, so names stay unique and sort in the order they were given. Never throws.
 */
export function backupName(now: Date, taken: ReadonlySet<string>): string {
  let micros = now.getTime() * 1000;
  let name = formatBackupName(micros);
  while (taken.has(name)) {
    micros += 1;
    name = formatBackupName(micros);
  }
  return name;
}

/**
 * The name of a backup taken at `now` that sorts after `after` (the newest name a report's log
 * records): {@link backupName}, its microsecond count raised past `after`'s when the clock
 * did not move on (two commits in one millisecond, a clock set back). Never throws.
 */
export function backupNameAfter(now: Date, after: string | undefined): string {
  const last = after === undefined ? null : parseBackupName(after);
  const micros = now.getTime() * 1000;
  return formatBackupName(last !== null && micros <= last ? last + 1 : micros);
}

/**
 * The instant a backup name encodes, as microseconds since the epoch, or `null` for a name that
 * is not a backup name. Never throws.
 */
export function parseBackupName(name: string): number | null {
  const m = BACKUP_PATTERN.exec(name);
  if (m === null) return null;
  const [ymd = "", hms = "", micro = ""] = m.slice(1);
  const ms = Date.UTC(
    Number(ymd.slice(0, 4)),
    Number(ymd.slice(4, 6)) - 1,
    Number(ymd.slice(6, 8)),
    Number(hms.slice(0, 2)),
    Number(hms.slice(2, 4)),
    Number(hms.slice(4, 6)),
  );
  if (Number.isNaN(ms)) return null;
  const micros = ms * 1000 + Number(micro);
  // Date.UTC rolls out-of-range fields over (month 13, second 61): only a name that formats back is real.
  return formatBackupName(micros) === name ? micros : null;
}

function formatBackupName(epochMicros: number): string {
  const seconds = Math.floor(epochMicros / 1_000_000);
  const micro = epochMicros - seconds * 1_000_000;
  const d = new Date(seconds * 1000);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
  return `outline.json.${date}T${time}_${pad(micro, 6)}.bak`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

async function refuseExisting(backend: StorageBackend, to: string): Promise<void> {
  try {
    await backend.stat(to);
  } catch (err) {
    const mapped = fromSystemError(err, to, "stat");
    if (mapped.code === ErrorCode.NOT_FOUND) return;
    throw mapped;
  }
  throw new LivingReportsError(ErrorCode.ALREADY_EXISTS, `backup ${to} already exists`, { path: to });
}
