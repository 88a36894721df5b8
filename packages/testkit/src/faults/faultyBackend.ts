import type {
  BackendCapabilities,
  Clock,
  FileHandle,
  FileStat,
  LockPrimitive,
  OpenMode,
  StorageBackend,
} from "@living-reports/core";
import { faultedCall } from "./faultedCall.js";
import { FaultInjector } from "./faultInjector.js";
import type { FaultOp, FaultPlan, FaultRule, FiredFault } from "./faultRule.js";
import { FaultyHandle } from "./faultyHandle.js";

/**
 * A {@link StorageBackend} that forwards every call to `inner` (handles included) and fails the
 * calls its {@link FaultPlan} picks, the way a real disk fails (docs/CRASH-MODEL.md): with a
 * `LivingReportsError` mapped by `fromSystemError` from an errno, e.g. EIO → STORAGE_FAILURE, or
 * FSYNC_FAILED for any fault of `sync`, `datasync` or `syncDir`.
 *
 * What a faulted call leaves behind, as crash-safety tests need it:
 * - a failed `write` wrote nothing, or only a prefix (`shortWrite`);
 * - a failed `sync`/`datasync`/`syncDir` did run on the inner backend (the data's durability is
 *   unknown), yet reports failure: the caller must not take it for success;
 * - a failed `close` released the inner handle (as close(2) does);
 * - any other failed call (a rename, an unlink, an open...) did not happen;
 * and a rule's `applied` flag overrides that default.
 *
 * `capabilities` and `storageId` are the inner backend's. The wrapper is deterministic: the same
 * plan and the same calls give the same faults.
 */
export class FaultyBackend implements StorageBackend {
  readonly #inner: StorageBackend;
  readonly #injector = new FaultInjector();

  /** Wraps `inner` with `plan`. @throws LivingReportsError INVALID_INPUT for a malformed rule */
  constructor(inner: StorageBackend, plan: FaultPlan = []) {
    this.#inner = inner;
    this.#injector.setPlan(plan);
  }

  /** The wrapped backend (calls made on it directly bypass the faults). */
  get inner(): StorageBackend {
    return this.#inner;
  }

  get capabilities(): BackendCapabilities {
    return this.#inner.capabilities;
  }

  get storageId(): string {
    return this.#inner.storageId;
  }

  /** The faults fired since the plan was last set, in order. */
  get fired(): readonly FiredFault[] {
    return this.#injector.fired;
  }

  /**
   * Replaces the plan (`[]`: no more faults). Rule counters and {@link fired} start afresh; handles
   * already open follow the new plan.
   *
   * @throws LivingReportsError INVALID_INPUT for a malformed rule; the old plan then stays
   */
  setPlan(plan: FaultPlan): void {
    this.#injector.setPlan(plan);
  }

  /** Adds a rule after the current ones, keeping every counter. @throws as {@link setPlan} */
  addRule(rule: FaultRule): void {
    this.#injector.addRule(rule);
  }

  /** How many calls of `op` (`"*"`: of any op) went through this wrapper, faulted or not. */
  callCount(op: FaultOp | "*"): number {
    return this.#injector.callCount(op);
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await faultedCall(this.#injector, {
      op: "open",
      path,
      run: () => this.#inner.open(path, mode),
      discard: (opened) => opened.close(),
    });
    return new FaultyHandle(handle, this.#injector);
  }

  readFile(path: string): Promise<Uint8Array> {
    return faultedCall(this.#injector, { op: "readFile", path, run: () => this.#inner.readFile(path) });
  }

  syncDir(path: string): Promise<void> {
    return faultedCall(this.#injector, { op: "syncDir", path, run: () => this.#inner.syncDir(path) });
  }

  rename(from: string, to: string): Promise<void> {
    return faultedCall(this.#injector, {
      op: "rename",
      path: from,
      to,
      run: () => this.#inner.rename(from, to),
    });
  }

  link(existing: string, to: string): Promise<void> {
    return faultedCall(this.#injector, {
      op: "link",
      path: existing,
      to,
      run: () => this.#inner.link(existing, to),
    });
  }

  unlink(path: string): Promise<void> {
    return faultedCall(this.#injector, { op: "unlink", path, run: () => this.#inner.unlink(path) });
  }

  mkdir(path: string): Promise<void> {
    return faultedCall(this.#injector, { op: "mkdir", path, run: () => this.#inner.mkdir(path) });
  }

  rmdir(path: string): Promise<void> {
    return faultedCall(this.#injector, { op: "rmdir", path, run: () => this.#inner.rmdir(path) });
  }

  readdir(path: string): Promise<string[]> {
    return faultedCall(this.#injector, { op: "readdir", path, run: () => this.#inner.readdir(path) });
  }

  stat(path: string): Promise<FileStat> {
    return faultedCall(this.#injector, { op: "stat", path, run: () => this.#inner.stat(path) });
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    return faultedCall(this.#injector, { op: "utimes", path, run: () => this.#inner.utimes(path, mtimeMs) });
  }

  /**
   * The inner backend's lock primitive, working through `on`: pass this wrapper (or one around
   * it), as `openReports` does with the backend it is given, so lock files are made through it and
   * see the faults too.
   */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return this.#inner.lockPrimitive(on);
  }

  /** The inner backend's lock clock. */
  get clock(): Clock {
    return this.#inner.clock;
  }
}

/** Shorthand for `new FaultyBackend(inner, plan)`. @throws as the constructor */
export function injectFaults(inner: StorageBackend, plan: FaultPlan = []): FaultyBackend {
  return new FaultyBackend(inner, plan);
}
