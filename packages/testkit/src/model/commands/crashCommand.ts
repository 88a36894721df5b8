import type { CrashMode } from "@living-reports/core";
import type { AsyncCommand } from "fast-check";
import { expect } from "vitest";
import { assertMatchesModel, assertVerifies } from "../invariants.js";
import type { StoreModel } from "../modelState.js";
import { hasSession, type RealSystem, restartAfterDeath } from "../realSystem.js";

/**
 * A crash between two operations, then recovery. Where the backend simulates power loss (memfs:
 * `root.crash`), the disk loses what the mode allows of its unsynced changes; elsewhere
 * (node-fs) the process dies. Either way the store is abandoned without `close()`, the lock
 * clock moves past the stale time, and a new process opens the store, which must find the dead
 * session and recover. Every operation before the crash resolved, so every one was acknowledged
 * and nothing may be lost (G2): the recovered store equals the model exactly, its index is
 * rebuilt (G5), and `verify()` finds no problem.
 */
export class CrashCommand implements AsyncCommand<StoreModel, RealSystem> {
  constructor(
    readonly mode: CrashMode,
    readonly seed: number,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: StoreModel, real: RealSystem): Promise<void> {
    real.stats.commands += 1;
    const crash = real.root.crash;
    // A process that wrote holds a session lock, durable from its first write: recovery must find it.
    const hadSession = await hasSession(real);
    const kind = crash === undefined ? "process-death" : `power-loss:${this.mode}`;
    if (crash === undefined) await restartAfterDeath(real);
    else await restartAfterDeath(real, crash({ mode: this.mode, seed: this.seed }));
    real.stats.crashes[kind] = (real.stats.crashes[kind] ?? 0) + 1;
    const label = `${this.toString()} (${kind})`;
    if (hadSession) {
      expect(real.store.recovery.indexRebuilt, `${label}: the dead writer's session must be found`).toBe(
        true,
      );
    }
    await assertMatchesModel(model.state, real, label);
    await assertVerifies(real, label);
  }

  toString(): string {
    return `crash(${this.mode}, seed ${this.seed})`;
  }
}
