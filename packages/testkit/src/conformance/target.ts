import type { CrashOptions, StorageBackend } from "@living-reports/core";

/**
 * One fresh, empty root on a backend, as the conformance suite sees it. The suite creates one per
 * test (via {@link ConformanceTarget.setup}) and always calls {@link teardown}.
 */
export interface TargetRoot {
  /** The backend over this root. */
  readonly backend: StorageBackend;
  /**
   * Another backend instance over the same root: a second "process" for lock and race tests.
   * Instances share the files (and, on memfs, the lock directories in the volume) but nothing in memory.
   */
  another(): StorageBackend;
  /**
   * Simulated power loss, where the backend models durability (memfs): returns a backend over the
   * state a crash in `options.mode` leaves (every instance over the old state must be discarded).
   * Absent on real disks.
   */
  readonly crash?: (options?: CrashOptions) => StorageBackend;
  /** The real directory of the root, when there is one (node-fs). */
  readonly hostPath?: string;
  /** Moves the lock clock forward: virtual time on memfs, a real sleep on node-fs. */
  advanceClock(ms: number): Promise<void>;
  /** Removes the root and releases everything. */
  teardown(): Promise<void>;
}

/** A backend under test: its name (shown in every test title) and how to make a fresh root. */
export interface ConformanceTarget {
  readonly name: string;
  setup(): Promise<TargetRoot>;
  /**
   * Makes a FIFO at root-relative `path` of `root` (node-fs: mkfifo in the host directory). Absent
   * where the backend has no FIFOs (memfs): the FIFO cases then skip, saying so.
   */
  readonly makeFifo?: (root: TargetRoot, path: string) => Promise<void>;
}
