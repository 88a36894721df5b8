import { oneLine } from "./terminalText.js";

/** A column of {@link renderTable}. */
export interface Column {
  readonly header: string;
  /** Cells longer than this are cut with `…` (default: never cut). */
  readonly maxWidth?: number;
  /** Right-align (numbers). */
  readonly alignRight?: boolean;
}

/**
 * Cuts `text` to `width` characters, ending in `…` when it was cut; newlines and tabs become
 * spaces, other control characters visible escapes (a cell is one line on a terminal).
 */
export function fitCell(text: string, width: number): string {
  const flat = oneLine(text.replace(/[\r\n\t]+/g, " "));
  const chars = Array.from(flat);
  if (chars.length <= width) return flat;
  if (width <= 1) return "…".slice(0, width);
  return `${chars.slice(0, width - 1).join("")}…`;
}

function pad(text: string, width: number, right: boolean): string {
  const gap = " ".repeat(Math.max(0, width - Array.from(text).length));
  return right ? gap + text : text + gap;
}

/**
 * Renders rows as aligned columns under a header, two spaces apart, without trailing spaces.
 * Widths count code points (wide East Asian characters may misalign; no dependency for that).
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) =>
    columns.map((col, i) => fitCell(row[i] ?? "", col.maxWidth ?? Number.POSITIVE_INFINITY)),
  );
  const widths = columns.map((col, i) =>
    Math.max(Array.from(col.header).length, ...cells.map((row) => Array.from(row[i] ?? "").length)),
  );
  const line = (row: readonly string[]): string =>
    columns
      .map((col, i) => pad(row[i] ?? "", widths[i] ?? 0, col.alignRight === true))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}
