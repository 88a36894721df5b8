import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { sha256Hex } from "../util/hash.js";

/** The integrity fields a framed audit line adds after the record's own fields. */
export const AUDIT_INTEGRITY_KEYS: readonly string[] = ["prev", "sha256"];

const HEX64 = /^[0-9a-f]{64}$/;
/** A framed line ends with its checksum field, textually, so it verifies without re-serialising. */
const CHECKSUM_SUFFIX = /,"sha256":"([0-9a-f]{64})"\}$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Encodes one framed audit line (see docs/FORMAT.md):
 * `{<record fields…>,"prev":"<prevHash>","sha256":"<checksum>"}\n`, compact JSON, where
 * `checksum = sha256(<the line without its ,"sha256":"…" field> + "\n")` and the returned `hash`
 * (the chain value the next line's `prev` must carry) is `sha256(text)`, the whole line with its
 * newline. Keys keep the record's order.
 *
 * @param prevHash - the chain value of the line before (`EMPTY_SHA256` for the first line)
 * @throws LivingReportsError INVALID_INPUT if `record` is not a plain JSON object, uses an
 *   integrity key, or `prevHash` is not 64 lowercase hex digits
 */
export function encodeAuditLine(
  record: Record<string, unknown>,
  prevHash: string,
): { text: string; hash: string } {
  if (typeof record !== "object" || record === null || Array.isArray(record))
    throw invalidInput("an audit record must be a JSON object");
  for (const key of AUDIT_INTEGRITY_KEYS)
    if (Object.hasOwn(record, key))
      throw invalidInput(`an audit record may not carry the integrity key "${key}"`);
  if (!HEX64.test(prevHash))
    throw invalidInput(`prevHash is not a lowercase hex SHA-256: ${JSON.stringify(prevHash)}`);
  let body: string;
  try {
    body = JSON.stringify({ ...record, prev: prevHash });
  } catch (cause) {
    throw invalidInput(
      `audit record is not serialisable: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  const checksum = sha256Hex(`${body}\n`);
  const text = `${body.slice(0, -1)},"sha256":"${checksum}"}\n`;
  return { text, hash: sha256Hex(text) };
}

/** A physical line that verified on its own. */
export interface CheckedLine {
  kind: "framed" | "legacy";
  /** The record without integrity fields. */
  record: Record<string, unknown>;
  /** The line's text without its newline. */
  raw: string;
  /** The `prev` a framed line carries (absent on a legacy line). */
  prev?: string;
  /** The chain value of this line: sha256 of its bytes with the newline. */
  hash: string;
}

/**
 * Checks one line's bytes (without the newline) on their own: a framed line must have a
 * matching checksum and a well-formed `prev`; a line with neither integrity field is a legacy
 * (Python) record and is accepted as a JSON object. Pure.
 *
 * @returns the checked line, or a reason it is not one
 */
export function checkAuditLine(bytes: Uint8Array): CheckedLine | { error: string } {
  let raw: string;
  try {
    raw = strictUtf8.decode(bytes);
  } catch {
    return { error: "not valid UTF-8" };
  }
  if (raw.length === 0) return { error: "empty line" };
  const hash = sha256Hex(encoder.encode(`${raw}\n`));
  const suffix = CHECKSUM_SUFFIX.exec(raw);
  if (suffix !== null) {
    const body = `${raw.slice(0, suffix.index)}}`;
    if (sha256Hex(`${body}\n`) !== suffix[1])
      return { error: "checksum mismatch (the line was altered or torn)" };
    const parsed = parseObject(body);
    if (parsed === null) return { error: "framed line is not a JSON object" };
    const { prev, ...record } = parsed;
    if (typeof prev !== "string" || !HEX64.test(prev)) return { error: 'framed line has no valid "prev"' };
    if (Object.hasOwn(record, "sha256")) return { error: 'framed line carries "sha256" twice' };
    return { kind: "framed", record, raw, prev, hash };
  }
  const parsed = parseObject(raw);
  if (parsed === null) return { error: "not a JSON object" };
  for (const key of AUDIT_INTEGRITY_KEYS)
    if (Object.hasOwn(parsed, key)) return { error: `malformed integrity field "${key}"` };
  return { kind: "legacy", record: parsed, raw, hash };
}

function parseObject(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function invalidInput(message: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, message);
}
