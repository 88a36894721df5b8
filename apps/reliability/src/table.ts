/** One row of the reliability table. */
export interface TableRow {
  run: string;
  /** `processes × operations` (or what was tried). */
  size: string;
  kills: number | "-";
  acknowledged: number | "-";
  lost: number | "-";
  duplicated: number | "-";
  doubleHolds: number | "-";
  /** Hostile inputs tried / refused with a typed error and an unchanged store. */
  hostile: string;
  notes: string;
}

const HEADERS: [keyof TableRow, string][] = [
  ["run", "run"],
  ["size", "processes × operations"],
  ["kills", "kills"],
  ["acknowledged", "acknowledged"],
  ["lost", "lost"],
  ["duplicated", "duplicated"],
  ["doubleHolds", "double holds"],
  ["hostile", "hostile tried/refused"],
  ["notes", "notes"],
];

/** Formats rows as one Markdown table (what `npm run reliability` prints and docs/RELIABILITY.md quotes). */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = [HEADERS.map(([, h]) => h), ...rows.map((r) => HEADERS.map(([k]) => String(r[k])))];
  const widths = HEADERS.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const [head, ...body] = cells;
  return [line(head ?? []), rule, ...body.map(line)].join("\n");
}

/** Median of a list of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Microseconds as a short human figure (`0.42 ms`, `3.1 s`). */
export function formatMicros(us: number): string {
  if (Number.isNaN(us)) return "n/a";
  if (us < 1_000_000) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1_000_000).toFixed(1)} s`;
}
