import type { TraceEvent } from "./traceEvent.js";

const MAX_PREVIEW = 24;

/**
 * One readable line per event, for failure messages:
 * `#3 write h2 a/b.json @0 [5 B "hello"] -> ok (5 B)`. Write data is shown as its length and a
 * short preview (printable ASCII, other bytes as `.`), never in full.
 */
export function formatTrace(trace: readonly TraceEvent[]): string {
  return trace.map(formatEvent).join("\n");
}

/** The line {@link formatTrace} prints for one event. */
export function formatEvent(event: TraceEvent): string {
  const parts = [`#${event.seq}`, event.op];
  if (event.handle !== undefined) parts.push(`h${event.handle}`);
  parts.push(JSON.stringify(event.path));
  const { mode, position, length, data, to, mtimeMs } = event.args;
  if (mode !== undefined) parts.push(mode);
  if (to !== undefined) parts.push(`-> ${JSON.stringify(to)}`);
  if (position !== undefined) parts.push(`@${position}`);
  if (length !== undefined) parts.push(`len=${length}`);
  if (data !== undefined) parts.push(`[${data.length} B ${JSON.stringify(preview(data))}]`);
  if (mtimeMs !== undefined) parts.push(`mtime=${mtimeMs}`);
  const bytes = event.bytes === undefined ? "" : ` (${event.bytes} B)`;
  return `${parts.join(" ")} => ${event.result}${bytes}`;
}

function preview(data: Uint8Array): string {
  let out = "";
  for (const byte of data.subarray(0, MAX_PREVIEW)) {
    out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".";
  }
  return data.length > MAX_PREVIEW ? `${out}...` : out;
}
