import { EMPTY_SHA256, sha256Hex } from "../util/hash.js";
import { type CheckedLine, checkAuditLine } from "./auditLine.js";

/** One accepted line of an audit log. */
export interface AuditLine {
  /** 1-based physical line number. */
  line: number;
  /**
   * `framed`: written by this library, checksum and chain verified. `legacy`: a plain record as
   * the Python module wrote it. `salvaged`: a complete record found glued after a torn fragment
   * on the same line (the Python append's failure mode); a problem entry reports the fragment.
   */
  kind: "framed" | "legacy" | "salvaged";
  /** The record without its integrity fields (`prev`, `sha256`). */
  record: Record<string, unknown>;
  /** The record's line text without the newline (for `salvaged`: without the torn fragment). */
  raw: string;
  /** Byte offset of the physical line (for `salvaged`: of the torn fragment before the record). */
  offset: number;
  /** Byte length of the physical line, including its `\n`. */
  length: number;
  /** Chain value: sha256 of `raw + "\n"` in UTF-8; the next framed line's `prev`. */
  hash: string;
}

/** Something wrong in the middle of a log: reported, never skipped silently. */
export interface AuditProblem {
  /** 1-based physical line number. */
  line: number;
  code: "CORRUPT_LOG";
  message: string;
}

/** What {@link parseAuditLog} found. */
export interface AuditReadResult {
  /** Accepted lines, in file order. */
  lines: AuditLine[];
  /** Bytes up to the end of the last complete line: the file without its torn tail. */
  validBytes: number;
  /** An unacknowledged partial last line (no `\n`, or unreadable and last), to cut off. */
  tornTail: { offset: number; length: number } | null;
  /** Damage before the end: unreadable lines, torn fragments, chain breaks. */
  problems: AuditProblem[];
  /** The chain value after the last complete line (`EMPTY_SHA256` for an empty log): the next `prev`. */
  tailHash: string;
}

const NEWLINE = 0x0a;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
/** Bounds the work spent on one damaged line: each candidate costs a parse of the rest of it. */
const MAX_SALVAGE_CANDIDATES = 256;

/**
 * Reads an audit log's bytes and checks every line (docs/FORMAT.md, docs/GUARANTEES.md#g3-audit-log; the format is in
 * docs/FORMAT.md). Pure; never throws on content.
 *
 * - A framed line must verify on its own (checksum) and chain to the line before (`prev` equals
 *   that line's hash; the first line chains to `EMPTY_SHA256`): a removed, reordered, duplicated
 *   or altered line breaks this and is reported with its line number.
 * - A legacy line (plain JSON object, no integrity fields) is accepted where it stands; its
 *   chain value is the hash of its bytes. Once a framed line has appeared, a legacy line is a
 *   problem (the library never writes one).
 * - The last line is a torn tail (reported in `tornTail`, excluded from `validBytes`) when it
 *   has no `\n`; or when it does not parse as JSON at all (no salvageable record in it) and the
 *   rest of the log has no problem. A last line that parses but does not verify, or an
 *   unparseable one in a log with other problems, is a problem like any other line.
 * - A line holding a torn fragment followed by a complete record yields that record as
 *   `salvaged` plus a problem describing the fragment.
 * - Any other unreadable line is a problem; it is not returned as a line.
 */
export function parseAuditLog(bytes: Uint8Array): AuditReadResult {
  const lines: AuditLine[] = [];
  const problems: AuditProblem[] = [];
  let tornTail: AuditReadResult["tornTail"] = null;
  let chain = EMPTY_SHA256;
  let chainKnown = true;
  let framedSeen = false;
  let offset = 0;
  let lineNo = 0;
  const problem = (message: string): void => {
    problems.push({ line: lineNo, code: "CORRUPT_LOG", message: `line ${lineNo}: ${message}` });
  };

  while (offset < bytes.length) {
    lineNo++;
    const end = bytes.indexOf(NEWLINE, offset);
    if (end < 0) {
      tornTail = { offset, length: bytes.length - offset };
      break;
    }
    const content = bytes.subarray(offset, end);
    const length = end + 1 - offset;
    const isLast = end + 1 === bytes.length;
    let checked = checkAuditLine(content);
    let kind: AuditLine["kind"] | undefined;
    if (!("error" in checked)) {
      kind = checked.kind;
    } else {
      const salvage = salvageRecord(content);
      if (salvage !== null) {
        const actionId = salvage.line.record.action_id;
        problem(
          `torn fragment of ${salvage.at} bytes before a complete record` +
            (typeof actionId === "string" ? ` (action_id ${actionId})` : "") +
            "; the record is kept, repair rewrites the line",
        );
        checked = salvage.line;
        kind = "salvaged";
      } else if (isLast && !parsesAsJson(content)) {
        // Torn only if the rest of the log is clean: decided after the loop.
        tornTail = { offset, length };
        break;
      } else {
        problem(checked.error);
        chain = sha256Hex(bytes.subarray(offset, end + 1));
        chainKnown = false;
        offset = end + 1;
        continue;
      }
    }
    if (checked.prev !== undefined) {
      if (chainKnown && checked.prev !== chain)
        problem(
          "chain broken: prev does not match the line before (a line was removed, reordered or altered)",
        );
      framedSeen = true;
    } else if (framedSeen) {
      problem("an unframed record after framed lines (the library never writes one)");
    }
    lines.push({
      line: lineNo,
      kind,
      record: checked.record,
      raw: checked.raw,
      offset,
      length,
      hash: checked.hash,
    });
    chain = checked.hash;
    chainKnown = true;
    offset = end + 1;
  }

  if (tornTail !== null && problems.length > 0 && bytes[bytes.length - 1] === NEWLINE) {
    // A complete last line that does not parse is taken for a torn append only in an otherwise
    // clean log: in a damaged one (a hand-edited file) it is damage like the rest, and cutting
    // it would delete bytes no crash produced. (A tail without its newline stays a torn tail;
    // the writer still refuses to cut it while the log has problems.)
    const checked = checkAuditLine(bytes.subarray(tornTail.offset, bytes.length - 1));
    problem("error" in checked ? checked.error : "unreadable last line");
    chain = sha256Hex(bytes.subarray(tornTail.offset));
    tornTail = null;
  }
  const validBytes = tornTail === null ? bytes.length : tornTail.offset;
  return { lines, validBytes, tornTail, problems, tailHash: chain };
}

/**
 * Whether a line's bytes are JSON at all. A crash can leave a complete last line that is not
 * (pages of a multi-page append persisted out of order: a page that never reached the disk reads
 * as zeros, and a NUL is never valid JSON), but not one that parses yet fails its checks:
 * docs/FORMAT.md, "Reading a log".
 */
function parsesAsJson(content: Uint8Array): boolean {
  try {
    JSON.parse(strictUtf8.decode(content));
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a complete record glued after a torn fragment: the leftmost `{"` past the start from
 * which the rest of the line verifies as a framed line, or parses as a legacy record with an
 * `action_id` (so that a stray object inside the fragment is not taken for an event).
 */
function salvageRecord(content: Uint8Array): { at: number; line: CheckedLine } | null {
  let tried = 0;
  for (let at = content.indexOf(OPEN_BRACE, 1); at > 0; at = content.indexOf(OPEN_BRACE, at + 1)) {
    if (content[at + 1] !== QUOTE) continue;
    if (++tried > MAX_SALVAGE_CANDIDATES) return null;
    const checked = checkAuditLine(content.subarray(at));
    if ("error" in checked) continue;
    if (checked.kind === "framed" || typeof checked.record.action_id === "string")
      return { at, line: checked };
  }
  return null;
}
