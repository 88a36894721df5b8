/** A text sink: stdout or stderr of a run. */
export interface OutputStream {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** True when the stream is an interactive terminal (progress bars draw only then). */
  readonly isTTY: boolean;
  /** Terminal width in columns, when known. */
  readonly columns?: number;
}

/**
 * Everything a CLI run touches besides the store: its output streams, its environment and its
 * working directory. `run()` reads nothing from `process` directly, so tests can run it in-process.
 */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment variables (`LIVING_REPORTS_ROOT`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths (`--root`, `--file`) are resolved against. */
  readonly cwd: string;
}

function streamOf(stream: NodeJS.WriteStream): OutputStream {
  return {
    write: (text) => {
      stream.write(text);
    },
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** The real process's streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdout: streamOf(process.stdout),
    stderr: streamOf(process.stderr),
    env: process.env,
    cwd: process.cwd(),
  };
}
