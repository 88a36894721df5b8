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
  /** The file's length without its torn tail: where the next line goes once the tail is cut. */
  validBytes: number;
  /**
   * The unacknowledged end of a torn append, to cut off: everything after the last accepted line
   * when none of it reads as a record (see {@link parseAuditLog}), or in a damaged log only a
   * partial last line (no `\n`).
   */
  tornTail: { offset: number; length: number } | null;
  /** Damage before the end: unreadable lines, torn fragments, chain breaks. */
  problems: AuditProblem[];
  /**
   * Fenced-out records (docs/DESIGN.md#fencing): framed lines that verify on their own but chain
   * to a line older than the chain's head at their place (a writer that lost its lock while
   * paused appended them), and lines chaining to those. Not part of the chain: `lines` leaves
   * them out, the next line chains past them, and nothing reads them as events.
   */
  fenced: AuditLine[];
  /** The chain value after the last complete line (`EMPTY_SHA256` for an empty log): the next `prev`. */
  tailHash: string;
}

const NEWLINE = 0x0a;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
/** Bytes as characters one for one, to match ASCII patterns in lines that may not be UTF-8. */
const latin1 = new TextDecoder("latin1");
/** How a framed line ends: its checksum field. */
const FRAMED_END = /,"sha256":"[0-9a-f]{64}"\}$/;
const FRAMED_END_BYTES = 77;
const OPEN_BRACE = 0x7b;
/** Fill this long that is all text was written by hand: random bytes are that with a chance under 1e-6. */
const MIN_TEXT_BYTES = 16;
/** Characters no hand-written text holds (NUL and the other C0 controls but tab, LF, CR; DEL). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
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
 * - The torn tail (reported in `tornTail`, excluded from `validBytes`) is what follows the last
 *   accepted line when no record follows it: a last line without `\n`; and before it, in a log
 *   with no other problem, any lines that do not verify (zeros, random bytes, bad UTF-8, lines
 *   split by stray newline bytes), unless something in it was written (a line that parses as a
 *   JSON object or array, a line after the first that ends with a framed checksum, or text where a
 *   torn append holds only fill): no crash leaves that.
 *   Unreadable lines followed by a record, or not taken as torn, are problems.
 * - A line holding a torn fragment followed by a complete record yields that record as
 *   `salvaged` plus a problem describing the fragment.
 * - Any other unreadable line is a problem; it is not returned as a line.
 */
export function parseAuditLog(bytes: Uint8Array): AuditReadResult {
  const steps = parseSteps(bytes, Number.POSITIVE_INFINITY);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** Bytes {@link parseAuditLogYielding} checks between two yields to the event loop. */
const YIELD_EVERY_BYTES = 1 << 20;

/**
 * {@link parseAuditLog}, giving the event loop a turn (`setImmediate`) after every `sliceBytes`
 * of lines checked (default 1 MiB), so that reading a very large log never starves timers such as
 * a lock's refresh (checking 100 MB of lines takes seconds; a lock whose refresh is held back past
 * its stale time is lost). Same result as {@link parseAuditLog}. Never throws on content.
 */
export async function parseAuditLogYielding(
  bytes: Uint8Array,
  sliceBytes = YIELD_EVERY_BYTES,
): Promise<AuditReadResult> {
  const steps = parseSteps(bytes, sliceBytes);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A line that was not accepted, held back until it is known whether a record follows it. */
interface Unread {
  line: number;
  offset: number;
  /** Offset just past its `\n`. */
  end: number;
  error: string;
}

/** The parse, yielding after every `sliceBytes` of lines checked. */
function* parseSteps(bytes: Uint8Array, sliceBytes: number): Generator<void, AuditReadResult> {
  let nextYield = sliceBytes;
  const lines: AuditLine[] = [];
  const problems: AuditProblem[] = [];
  const fenced: AuditLine[] = [];
  // Chain values of every accepted line (and of the empty log), and of fenced lines: a framed
  // line whose `prev` is one of these but not the head was written from an outdated head.
  const chained = new Set<string>([EMPTY_SHA256]);
  const fencedHashes = new Set<string>();
  let chain = EMPTY_SHA256;
  let chainKnown = true;
  let framedSeen = false;
  let offset = 0;
  let lineNo = 0;
  // Unreadable lines since the last accepted one: damage in the middle if a record follows them,
  // else (with a partial last line after them, if any) the log's torn end.
  let unread: Unread[] = [];
  const problem = (line: number, message: string): void => {
    problems.push({ line, code: "CORRUPT_LOG", message: `line ${line}: ${message}` });
  };
  const reportUnread = (): void => {
    for (const u of unread) problem(u.line, u.error);
    const last = unread.at(-1);
    if (last !== undefined) {
      chain = sha256Hex(bytes.subarray(last.offset, last.end));
      chainKnown = false;
    }
    unread = [];
  };

  while (offset < bytes.length) {
    if (offset >= nextYield) {
      nextYield = offset + sliceBytes;
      yield;
    }
    lineNo++;
    const end = bytes.indexOf(NEWLINE, offset);
    if (end < 0) break;
    const content = bytes.subarray(offset, end);
    const length = end + 1 - offset;
    let checked = checkAuditLine(content);
    let kind: AuditLine["kind"];
    let salvage: ReturnType<typeof salvageRecord> = null;
    if (!("error" in checked)) {
      kind = checked.kind;
    } else {
      salvage = salvageRecord(content);
      if (salvage === null) {
        unread.push({ line: lineNo, offset, end: end + 1, error: checked.error });
        offset = end + 1;
        continue;
      }
      checked = salvage.line;
      kind = "salvaged";
    }
    // A record follows: the lines before it that did not read are damage in the middle.
    reportUnread();
    if (salvage !== null) {
      const actionId = salvage.line.record.action_id;
      problem(
        lineNo,
        `torn fragment of ${salvage.at} bytes before a complete record` +
          (typeof actionId === "string" ? ` (action_id ${actionId})` : "") +
          "; the record is kept, repair rewrites the line",
      );
    }
    const line: AuditLine = {
      line: lineNo,
      kind,
      record: checked.record,
      raw: checked.raw,
      offset,
      length,
      hash: checked.hash,
    };
    if (
      // Only in a healthy log: after damage, a line off the chain is more damage (reordered).
      problems.length === 0 &&
      salvage === null &&
      checked.prev !== undefined &&
      chainKnown &&
      checked.prev !== chain &&
      (chained.has(checked.prev) || fencedHashes.has(checked.prev)) &&
      !chained.has(checked.hash) &&
      !fencedHashes.has(checked.hash)
    ) {
      // Fenced out: skipped, the chain stays at its head (an exact copy of a line is not this).
      fencedHashes.add(checked.hash);
      fenced.push(line);
      offset = end + 1;
      continue;
    }
    if (checked.prev !== undefined) {
      if (chainKnown && checked.prev !== chain)
        problem(
          lineNo,
          "chain broken: prev does not match the line before (a line was removed, reordered or altered)",
        );
      framedSeen = true;
    } else if (framedSeen) {
      problem(lineNo, "an unframed record after framed lines (the library never writes one)");
    }
    lines.push(line);
    chain = checked.hash;
    chained.add(chain);
    chainKnown = true;
    offset = end + 1;
  }

  // Past the last accepted line: unread complete lines, then possibly a partial line (no `\n`).
  let tailStart = offset;
  if (unread.length > 0) {
    const start = unread[0]!.offset;
    const torn =
      problems.length === 0 &&
      !unread.some((u, i) => heldRecord(bytes.subarray(u.offset, u.end - 1), i)) &&
      !handWritten(bytes.subarray(start));
    if (torn) tailStart = start;
    // Not what a crash leaves (docs/FORMAT.md, "Reading a log"): in a log damaged elsewhere, or
    // holding a record or text someone wrote, it is damage like the rest, and cutting it would
    // delete bytes no crash produced. (A partial last line after it stays a torn tail; the
    // writer still refuses to cut it while the log has problems.)
    else reportUnread();
  }
  const tornTail = tailStart < bytes.length ? { offset: tailStart, length: bytes.length - tailStart } : null;
  const validBytes = tornTail === null ? bytes.length : tornTail.offset;
  return { lines, validBytes, tornTail, problems, fenced, tailHash: chain };
}

/**
 * Whether a line past the last accepted one held a record once (the `index`-th such line). A
 * torn append is one write of whole lines at the end of the file, of which the lines before the
 * tear were accepted; the first line left keeps a prefix of its text, and past the tear the
 * write lost its bytes or reads back zeros or random bytes, in which a stray newline starts more
 * lines. So no crash leaves a line that parses as a JSON object or array (random bytes can make
 * a bare number, not in practice a bracketed value; a NUL is never JSON), nor, after the first,
 * a line ending as a framed line does. Such a line was written as a record and altered since:
 * docs/FORMAT.md, "Reading a log".
 */
function heldRecord(content: Uint8Array, index: number): boolean {
  if (index > 0 && FRAMED_END.test(latin1.decode(content.subarray(-FRAMED_END_BYTES)))) return true;
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(content));
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

/**
 * Whether the bytes past the last accepted line hold text someone wrote rather than what a torn
 * append leaves. A torn line keeps a prefix of a record (so it starts with `{`, unless the tear
 * fell on its first byte) and past the tear holds only fill; so whatever follows its first line,
 * or the whole tail when it does not start with `{`, is fill. Random bytes are text (valid UTF-8,
 * no control character but tab and CR) with a chance under 0.4 per byte: {@link MIN_TEXT_BYTES}
 * of them or more that are all text, and not all blank, were written, not torn.
 */
function handWritten(tail: Uint8Array): boolean {
  const fill = tail[0] === OPEN_BRACE ? tail.subarray(tail.indexOf(NEWLINE) + 1) : tail;
  if (fill.length < MIN_TEXT_BYTES) return false;
  let text: string;
  try {
    text = strictUtf8.decode(fill);
  } catch {
    return false;
  }
  return !CONTROL.test(text) && text.trim() !== "";
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
