import type { CliIo, OutputStream } from "../../src/io.js";

/** An output stream that keeps what was written. */
export interface CapturedStream extends OutputStream {
  readonly text: () => string;
}

function capture(isTTY: boolean): CapturedStream {
  const chunks: string[] = [];
  return { write: (t) => void chunks.push(t), isTTY, columns: 100, text: () => chunks.join("") };
}

/** An in-memory {@link CliIo}: what a run printed, and the environment it saw. */
export interface CapturedIo extends CliIo {
  readonly stdout: CapturedStream;
  readonly stderr: CapturedStream;
}

/** A fresh in-memory io; `tty` makes stdout claim to be a terminal. */
export function captureIo(
  options: { cwd?: string; env?: Record<string, string>; tty?: boolean } = {},
): CapturedIo {
  return {
    stdout: capture(options.tty === true),
    stderr: capture(false),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
}
