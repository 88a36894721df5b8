import { createHash } from "node:crypto";

/** The `prev` of the first line of a log: SHA-256 of no bytes (docs/FORMAT.md). */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** An audit event as read back, with the integrity fields the line carried. */
export interface ReadEvent {
  line: number;
  action_id: string;
  action_type: string;
  request_id: string | null;
  payload: Record<string, unknown>;
  outline_sha256?: string;
}

/** What {@link readAuditLog} found in one `audit.jsonl`. */
export interface ReadAuditLog {
  events: ReadEvent[];
  /** Bytes after the last newline (an unacknowledged, torn append), if any. */
  tornTailBytes: number;
  /** Lines that do not verify, or break the chain: never expected in a store this library wrote. */
  problems: string[];
  /** Lines fenced out (docs/FORMAT.md): a writer that had lost its lock appended them; not events. */
  fenced: number[];
}

const FRAME_END = /,"sha256":"([0-9a-f]{64})"\}$/;

function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Reads an audit log written by the library, independently of it: follows docs/FORMAT.md to
 * the letter (checksum of each framed line verified textually, chain of `prev` values from
 * {@link EMPTY_SHA256}), decodes UTF-8 strictly, and never skips a bad line silently: every
 * line that fails is a problem. A last line without its newline is a torn tail (counted, not a
 * problem). Legacy (unframed) lines are problems here: the runs start from empty stores.
 */
export function readAuditLog(bytes: Uint8Array): ReadAuditLog {
  const problems: string[] = [];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { events: [], tornTailBytes: 0, problems: ["audit.jsonl is not valid UTF-8"], fenced: [] };
  }
  const pieces = text.split("\n");
  const tail = pieces.pop() ?? "";
  const events: ReadEvent[] = [];
  const fenced: number[] = [];
  let chain = EMPTY_SHA256;
  // Chain values of the lines on the chain and of fenced-out lines (docs/FORMAT.md).
  const onChain = new Set<string>([EMPTY_SHA256]);
  const offChain = new Set<string>();
  pieces.forEach((line, i) => {
    const n = i + 1;
    const match = FRAME_END.exec(line);
    if (match === null) {
      problems.push(`line ${n}: not a framed line`);
      return;
    }
    const body = `${line.slice(0, match.index)}}`;
    if (sha256(`${body}\n`) !== match[1]) {
      problems.push(`line ${n}: checksum mismatch`);
      return;
    }
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(body) as Record<string, unknown>;
    } catch {
      problems.push(`line ${n}: checksum verifies but JSON does not parse`);
      return;
    }
    const hash = sha256(`${line}\n`);
    const prev = typeof record.prev === "string" ? record.prev : "";
    if (
      problems.length === 0 &&
      prev !== chain &&
      (onChain.has(prev) || offChain.has(prev)) &&
      !onChain.has(hash) &&
      !offChain.has(hash)
    ) {
      fenced.push(n);
      offChain.add(hash);
      return;
    }
    if (prev !== chain) problems.push(`line ${n}: chain broken (prev does not match line ${n - 1})`);
    chain = hash;
    onChain.add(hash);
    const event = toEvent(record, n);
    if (typeof event === "string") problems.push(event);
    else events.push(event);
  });
  return { events, tornTailBytes: Buffer.byteLength(tail), problems, fenced };
}

function toEvent(record: Record<string, unknown>, line: number): ReadEvent | string {
  const { action_id, action_type, request_id, payload, outline_sha256 } = record;
  if (typeof action_id !== "string" || typeof action_type !== "string") {
    return `line ${line}: no action_id or action_type`;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return `line ${line}: payload is not an object`;
  }
  const event: ReadEvent = {
    line,
    action_id,
    action_type,
    request_id: typeof request_id === "string" ? request_id : null,
    payload: payload as Record<string, unknown>,
  };
  if (typeof outline_sha256 === "string") event.outline_sha256 = outline_sha256;
  return event;
}

/** SHA-256 of bytes, hex: what `outline_sha256` records of an outline. */
export function sha256Hex(bytes: Uint8Array): string {
  return sha256(bytes);
}
