import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, type OutlineLimits, parseOutlineBytes } from "../../schema/index.js";
import { sha256Hex } from "../../util/hash.js";
import type { CommittedTail } from "./auditEvents.js";

/** A committed outline as the log carries it: parsed, with its exact `outline.json` bytes. */
export interface LoggedOutline {
  outline: Outline;
  bytes: Uint8Array;
}

/**
 * How `outline.json` stands against the log's head (docs/DESIGN.md#reading-after-a-crash):
 * - `current`: it holds the committed outline (or the report has no baseline: a legacy report);
 * - `behind`: the log's head carries an outline that the file does not hold yet, and what the
 *   file holds is what unfinished materialisations leave (`found`): nothing, an `older` outline
 *   the log records (committed before the head, or a fenced-out record's: renames not yet
 *   durable at a crash keep any outline since the last durable one), or a `torn` write (bytes
 *   that do not load, after a crash: a power loss tears an unsynced write anywhere, into any
 *   outline written since the last durable one). Readers see `logged`; recovery rolls the file
 *   forward to it. (So a hand-made copy of an older version over the outline is undone rather
 *   than recorded as an edit: `revert` is the way back.)
 * - `edited`: anything else: a change made outside the library (G9), or a head that does not
 *   carry its outline (the strict protocol and older stores, where the file is the commit point).
 */
export type OutlineVerdict =
  | { kind: "current" }
  | { kind: "behind"; logged: LoggedOutline; found: "missing" | "older" | "torn" }
  | { kind: "edited" };

const encoder = new TextEncoder();

/**
 * The outline the head of `tail` commits, rebuilt from the log: only when the newest record
 * carrying an outline carries the committed one and it re-encodes to exactly the committed hash
 * (so it is byte for byte the `outline.json` that was committed) and loads. Never throws.
 */
export function loggedOutline(tail: CommittedTail, limits: OutlineLimits): LoggedOutline | undefined {
  const logged = tail.logged;
  if (tail.sha === null || logged === undefined || logged.sha !== tail.sha) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = encoder.encode(JSON.stringify(logged.outline, null, 2));
  } catch {
    return undefined;
  }
  if (sha256Hex(bytes) !== tail.sha) return undefined;
  try {
    return { outline: parseOutlineBytes(bytes, limits), bytes };
  } catch (err) {
    if (isLivingReportsError(err)) return undefined;
    throw err;
  }
}

/**
 * Judges `file` (the bytes of `outline.json`, null when it is missing) against the log's head
 * (see {@link OutlineVerdict}). `loggedShas` are the outline hashes the log records (see
 * {@link loggedShasOf}). `afterCrash`: a power loss may have torn the file (a crashed session not
 * yet recovered, or the recovery after one); otherwise a file that does not load was edited by
 * hand, and is judged `edited` (G9). Pure; never throws.
 */
export function judgeOutline(
  file: Uint8Array | null,
  tail: CommittedTail,
  loggedShas: ReadonlySet<string>,
  limits: OutlineLimits,
  afterCrash: boolean,
): OutlineVerdict {
  if (tail.sha === null) return { kind: "current" };
  const fileSha = file === null ? null : sha256Hex(file);
  if (fileSha === tail.sha) return { kind: "current" };
  const logged = loggedOutline(tail, limits);
  if (logged === undefined) return { kind: "edited" };
  if (file === null || fileSha === null) return { kind: "behind", logged, found: "missing" };
  if (loggedShas.has(fileSha)) return { kind: "behind", logged, found: "older" };
  if (afterCrash && !loads(file, limits)) return { kind: "behind", logged, found: "torn" };
  return { kind: "edited" };
}

/** The outline hashes a log records: on its chain's lines and on fenced-out ones. Pure. */
export function loggedShasOf(read: {
  lines: readonly { record: Record<string, unknown> }[];
  fenced: readonly { record: Record<string, unknown> }[];
}): Set<string> {
  const shas = new Set<string>();
  for (const line of [...read.lines, ...read.fenced]) {
    const sha = line.record.outline_sha256;
    if (typeof sha === "string") shas.add(sha);
  }
  return shas;
}

function loads(bytes: Uint8Array, limits: OutlineLimits): boolean {
  try {
    parseOutlineBytes(bytes, limits);
    return true;
  } catch (err) {
    if (isLivingReportsError(err)) return false;
    throw err;
  }
}
