import type { StorageBackend } from "../backend/storageBackend.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { EMPTY_SHA256 } from "../util/hash.js";
import { type CheckedLine, checkAuditLine } from "./auditLine.js";

const NEWLINE = 0x0a;
const FIRST_CHUNK = 64 * 1024;
const LAST_CHUNK = 4 * 1024 * 1024;

/**
 * The `outline_sha256` of the newest record on a log's chain that carries one, read from the end
 * of the file only (a few KiB whatever the log's length), or `undefined` when the end alone
 * cannot tell for sure: then read the whole log. It can tell when the newest such line verifies
 * (checksum) and every line from the two before it to the end chains to the one before (or it
 * chains from the start of the log): a fenced-out record (docs/DESIGN.md#fencing) breaks that,
 * as does damage, a legacy line or a torn tail. `null` for a missing or empty log. Never writes.
 *
 * @throws LivingReportsError a mapped storage error other than NOT_FOUND
 */
export async function newestCommittedSha(
  backend: StorageBackend,
  path: string,
): Promise<string | null | undefined> {
  const head = await committedHead(backend, path);
  return head === null || head === undefined ? head : head.sha;
}

/** What the end of a log says of its head (see {@link committedHead}). */
export interface CommittedHead {
  /** The `outline_sha256` of the newest record on the chain that carries one. */
  readonly sha: string;
  /** The newest record on the chain (the head), whatever it carries. */
  readonly record: Record<string, unknown>;
}

/**
 * {@link newestCommittedSha}, with the head record itself (a `delete` event tells a delete whose
 * move into the trash is still to be done), under the same conditions.
 *
 * @throws LivingReportsError a mapped storage error other than NOT_FOUND
 */
export async function committedHead(
  backend: StorageBackend,
  path: string,
): Promise<CommittedHead | null | undefined> {
  let size: number;
  try {
    ({ size } = await backend.stat(path));
  } catch (err) {
    const mapped = fromSystemError(err, path, "stat");
    if (mapped.code === "NOT_FOUND") return null;
    throw mapped;
  }
  if (size === 0) return null;
  const handle = await backend.open(path, "r").catch((err: unknown) => {
    throw fromSystemError(err, path, "open");
  });
  try {
    for (let chunk = FIRST_CHUNK; ; chunk *= 4) {
      const start = Math.max(0, size - chunk);
      const bytes = await handle.read(size - start, start);
      const verdict = judgeTail(bytes, start === 0);
      if (verdict !== "more") return verdict;
      if (start === 0 || chunk >= LAST_CHUNK) return undefined;
    }
  } catch (err) {
    throw fromSystemError(err, path, "read");
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The committed head in `bytes` (the end of a log), `undefined` if unsure, `"more"` to read further back. */
function judgeTail(bytes: Uint8Array, fromStart: boolean): CommittedHead | null | undefined | "more" {
  const lines: CheckedLine[] = [];
  const lastNewline = bytes.lastIndexOf(NEWLINE);
  // A last line without its newline is a torn tail: the full read decides what it is.
  if (lastNewline !== bytes.length - 1) return undefined;
  let at = fromStart ? 0 : bytes.indexOf(NEWLINE) + 1;
  while (at < bytes.length) {
    const end = bytes.indexOf(NEWLINE, at);
    const checked = checkAuditLine(bytes.subarray(at, end));
    if ("error" in checked || checked.kind !== "framed") return undefined;
    lines.push(checked);
    at = end + 1;
  }
  const newest = lines.findLastIndex((l) => typeof l.record.outline_sha256 === "string");
  if (newest < 0) return fromStart ? null : "more";
  const from = fromStart ? 0 : newest - 2;
  if (from < 0) return "more";
  for (let i = Math.max(from, 1); i < lines.length; i++) {
    if (lines[i]!.prev !== lines[i - 1]!.hash) return undefined;
  }
  if (fromStart && lines[0]!.prev !== EMPTY_SHA256) return undefined;
  return { sha: lines[newest]!.record.outline_sha256 as string, record: lines.at(-1)!.record };
}
