import type { Progress } from "@living-reports/core";
import type { OutputStream } from "../io.js";

/** Draws a progress line such as `rebuild  [#########.........]  45/100`, `width` cells of bar. */
export function renderProgressBar(progress: Progress, width = 30): string {
  const total = Math.max(0, progress.total);
  const done = Math.min(Math.max(0, progress.done), total);
  const filled = total === 0 ? width : Math.floor((done / total) * width);
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  return `${progress.phase}  [${bar}]  ${done}/${total}`;
}

/** A progress reporter for long work; {@link ProgressBar.finish} clears its line. */
export interface ProgressBar {
  /** Redraws the bar (only when what it shows changed). */
  readonly update: (progress: Progress) => void;
  /** Erases the bar so that the command's output starts on a clean line. */
  finish(): void;
}

/**
 * A bar that draws on `stream` only when it is a terminal and the run is not `--json`;
 * otherwise every call does nothing, so piped or machine output never holds control characters.
 */
export function createProgressBar(stream: OutputStream, enabled: boolean): ProgressBar {
  if (!enabled || !stream.isTTY) return { update: () => undefined, finish: () => undefined };
  let last = "";
  return {
    update: (progress) => {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 40));
      const text = renderProgressBar(progress, width);
      if (text === last) return;
      last = text;
      // \r + erase-line redraws in place instead of scrolling one line per item.
      stream.write(`\r\x1b[2K${text}`);
    },
    finish: () => {
      if (last !== "") stream.write("\r\x1b[2K");
      last = "";
    },
  };
}
