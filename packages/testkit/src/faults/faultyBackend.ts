import type { FileHandle, FileStat, OpenMode, StorageBackend } from "@living-reports/core";
import { DelegatingBackend } from "../support/delegatingBackend.js";
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
 * `capabilities`, `storageId` and `clock` are the inner backend's, and `lockPrimitive(on)` is the
 * inner backend's working through `on`: pass this wrapper (or one around it), as `openReports`
 * does with the backend it is given, so lock files are made through it and see the faults too.
 * The wrapper is deterministic: the same plan and the same calls give the same faults.
 */
export class FaultyBackend extends DelegatingBackend {
  /** The wrapped backend (calls made on it directly bypass the faults). */
  declare readonly inner: StorageBackend;
  readonly #injector = new FaultInjector();

  /** Wraps `inner` with `plan`. @throws LivingReportsError INVALID_INPUT for a malformed rule */
  constructor(inner: StorageBackend, plan: FaultPlan = []) {
    super(inner);
    this.#injector.setPlan(plan);
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

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await faultedCall(this.#injector, {
      op: "open",
      path,
      run: () => super.open(path, mode),
      discard: (opened) => opened.close(),
    });
    return new FaultyHandle(handle, this.#injector);
  }

  override readFile(path: string): Promise<Uint8Array> {
    return this.#faulted("readFile", path, () => super.readFile(path));
  }

  override syncDir(path: string): Promise<void> {
    return this.#faulted("syncDir", path, () => super.syncDir(path));
  }

  override rename(from: string, to: string): Promise<void> {
    return this.#faulted("rename", from, () => super.rename(from, to), to);
  }

  override link(existing: string, to: string): Promise<void> {
    return this.#faulted("link", existing, () => super.link(existing, to), to);
  }

  override unlink(path: string): Promise<void> {
    return this.#faulted("unlink", path, () => super.unlink(path));
  }

  override mkdir(path: string): Promise<void> {
    return this.#faulted("mkdir", path, () => super.mkdir(path));
  }

  override rmdir(path: string): Promise<void> {
    return this.#faulted("rmdir", path, () => super.rmdir(path));
  }

  override readdir(path: string): Promise<string[]> {
    return this.#faulted("readdir", path, () => super.readdir(path));
  }

  override stat(path: string): Promise<FileStat> {
    return this.#faulted("stat", path, () => super.stat(path));
  }

  override utimes(path: string, mtimeMs: number): Promise<void> {
    return this.#faulted("utimes", path, () => super.utimes(path, mtimeMs));
  }

  /** Makes one call through the injector; `to` is a rename's or link's second path. */
  #faulted<T>(op: FaultOp, path: string, run: () => Promise<T>, to?: string): Promise<T> {
    return faultedCall(this.#injector, { op, path, to, run });
  }
}

/** Shorthand for `new FaultyBackend(inner, plan)`. @throws as the constructor */
export function injectFaults(inner: StorageBackend, plan: FaultPlan = []): FaultyBackend {
  return new FaultyBackend(inner, plan);
}
