/**
 * Characters a terminal acts on instead of printing: C0 controls but tab and newline (ESC starts
 * the sequences that clear a screen, move the cursor or set a window title; CR overwrites a line),
 * DEL, the C1 controls (U+0080–U+009F: 8-bit CSI and OSC), and the bidirectional overrides and
 * isolates that make text read in another order than it is stored.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, newline and tab included
const UNSAFE_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text output made safe for a terminal: every character of {@link UNSAFE} shown as a visible
 * escape (`\x1b`, `\u202e`), so that a title or tag from the store cannot clear the operator's
 * screen or disguise itself. Newlines and tabs stay. Only for text output: `--json` is exact.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** As {@link terminalSafe}, and newlines and tabs escaped too: for a value shown on one line. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_OR_BREAK, escapeOne);
}
