/** One measured variant of syncVsPromise.ts: runs `ops` operations in `dir` (a fresh directory). */
export interface Workload {
  readonly name: string;
  run(dir: string, ops: number): Promise<void>;
}
