import * as fs from "node:fs";
import type { JournalLine, OpKind } from "./workerConfig.js";

/** What became of one operation, as its writer journalled it. */
export type Outcome =
  | { state: "acked"; report: string; version: number }
  | { state: "failed"; code: string; message: string }
  /** Started and never answered: its writer was killed while it was in flight. */
  | { state: "inflight" };

/** One operation of a run. */
export interface JournalledOp {
  op: string;
  kind: OpKind;
  /** The report it targeted (not for a create). */
  report?: string;
  outcome: Outcome;
}

/** Every operation of a set of journals, by request id; and how many writers finished. */
export interface Journals {
  ops: Map<string, JournalledOp>;
  writersDone: number;
}

/**
 * Reads writers' journals. Each line was one `write(2)`, so a killed writer leaves whole lines;
 * a last line without its newline (impossible in practice) is ignored as unacknowledged.
 *
 * @throws Error for a line that does not parse, or an answer without its start (a harness bug)
 */
export function readJournals(files: readonly string[]): Journals {
  const ops = new Map<string, JournalledOp>();
  let writersDone = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const lines = fs.readFileSync(file, "utf8").split("\n");
    lines.pop();
    for (const text of lines) {
      const line = JSON.parse(text) as JournalLine;
      if (line.t === "done") writersDone += 1;
      if (line.t === "start") {
        const op: JournalledOp = { op: line.op, kind: line.kind, outcome: { state: "inflight" } };
        if (line.report !== undefined) op.report = line.report;
        ops.set(line.op, op);
      } else if (line.t === "ack" || line.t === "fail") {
        const op = ops.get(line.op);
        if (op === undefined) throw new Error(`${file}: ${line.t} of ${line.op} without its start`);
        op.outcome =
          line.t === "ack"
            ? { state: "acked", report: line.report, version: line.version }
            : { state: "failed", code: line.code, message: line.message };
      }
    }
  }
  return { ops, writersDone };
}
