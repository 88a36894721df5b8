import {
  createLockManager,
  DEFAULT_LOCK_OPTIONS,
  ErrorCode,
  isLivingReportsError,
  type LockManager,
  type ReportStore,
} from "@living-reports/core";
import type { Workload, WorkloadContext } from "../explorer/workload.js";
import { ProcessBackend } from "../model/processBackend.js";
import { advancing, PausableClock } from "./pausableClock.js";
import { PausedWriter } from "./pausedWriter.js";
import { reportPaths } from "./reportPaths.js";
import { commitStep } from "./storeEffect.js";
import { openWorkloadStore, setupStore } from "./storeSetup.js";
import { baseline, section } from "./workloadSteps.js";

/**
 * How long the leasing store keeps a report's lock after a commit (ms on the disk's clock): far
 * longer than the workload runs, so its commits share one lease until the lease is lost.
 */
export const LONG_LEASE_MS = 60_000;

/** Past the stale time of a lock (docs/LOCKS.md's default): another process may reclaim it. */
const PAST_STALE_MS = DEFAULT_LOCK_OPTIONS.staleMs + 1_000;

/** How the lease of store A is lost (see {@link leaseLostWorkload}). */
export type LeaseLoss = "handed-over" | "stalled" | "fenced";

/** The ways a lease is lost, one workload each. */
export const LEASE_LOSSES: readonly LeaseLoss[] = ["handed-over", "stalled", "fenced"];

/**
 * A lease held across several commits and then lost (issue 11), with commits after it. Store A
 * keeps report R's lock between its commits (a long `leaseIdleMs`) for three commits (and checks
 * that they took the lock once); then it loses it (`loss`):
 * - `handed-over`: a second store in the same process commits to R: A's idle lease is handed to it
 *   at once, and taken back by A's next commit;
 * - `stalled`: A's process stops (its timers freeze, no lock refresh) past the lock's stale time
 *   on the disk's clock; another process reclaims the stale lock and commits twice; A resumes;
 * - `fenced`: as `stalled`, but A stops inside a commit, after its lock check and before its
 *   audit append: its record lands behind the other process's and must be fenced out (the call
 *   fails with LOCK_COMPROMISED, the record never counts).
 * A then commits twice more (a fresh acquisition, recovering R), and both stores close cleanly.
 */
export function leaseLostWorkload(loss: LeaseLoss): Workload {
  return {
    name: `lease-${loss}`,
    description: `one store commits under a kept lease, loses it (${loss}), and commits again`,
    async setup(ctx) {
      await setupStore(ctx, ["Leased"]);
    },
    async run(ctx) {
      const clock = advancing(ctx.clock);
      const paused = new PausableClock(ctx.clock);
      const writer = new PausedWriter(ctx.backend);
      const acquired: string[] = [];
      const a = await openWorkloadStore(ctx, writer, {
        leaseIdleMs: LONG_LEASE_MS,
        lockManager: (backend) => counting(createLockManager(backend, { clock: paused }), acquired),
      });
      const [entry] = await a.list();
      if (entry === undefined) throw new Error(`lease-${loss}: setup left no report`);
      const id = entry.report_id;
      const current = await baseline(ctx, a, id);
      await commitStep(ctx, "a updates", "evolve", () =>
        a.update({ ...current, sections: [...current.sections, section("Findings", 1)] }),
      );
      await commitStep(ctx, "a tags", "tag_update", () => a.tag(id, { add: ["a1"] }));
      await commitStep(ctx, "a renames", "rename", () => a.rename(id, "Leased, renamed"));
      const taken = acquired.filter((path) => path === reportPaths.lock(id)).length;
      if (taken !== 1)
        throw new Error(`lease-${loss}: A's three commits took the report's lock ${taken} times, not once`);
      let b: ReportStore;
      if (loss === "handed-over") {
        b = await openWorkloadStore(ctx, ctx.another(), { leaseIdleMs: 0 });
        await commitStep(ctx, "b tags", "tag_update", () => b.tag(id, { add: ["b1"] }));
      } else {
        // Another process: its own in-process lock queue, so it reaches A's lock through the disk only.
        b = await openWorkloadStore(ctx, new ProcessBackend(ctx.another(), 2), { leaseIdleMs: 0 });
        let fenced: Promise<unknown> | undefined;
        if (loss === "fenced") {
          writer.arm(reportPaths.audit(id));
          fenced = commitStep(ctx, "a tags, fenced out", "tag_update", () =>
            a.tag(id, { add: ["fenced"] }),
          ).then(
            () => {
              throw new Error("lease-fenced: a write behind another writer's commit was acknowledged");
            },
            (err: unknown) => {
              if (!isLivingReportsError(err, ErrorCode.LOCK_COMPROMISED)) throw err;
            },
          );
          await writer.reached;
        }
        paused.pause();
        await clock.advance(PAST_STALE_MS);
        await commitStep(ctx, "b tags", "tag_update", () => b.tag(id, { add: ["b1"] }));
        await commitStep(ctx, "b renames", "rename", () => b.rename(id, "Taken over"));
        writer.release();
        paused.resume();
        await fenced;
      }
      await commitAfter(ctx, a, id);
      const again = acquired.filter((path) => path === reportPaths.lock(id)).length;
      if (again !== 2)
        throw new Error(`lease-${loss}: A took the report's lock ${again} times in all, not twice`);
      await Promise.all([a.close(), b.close()]);
    },
  };
}

/** `locks`, noting the path of every acquisition in `acquired`. */
function counting(locks: LockManager, acquired: string[]): LockManager {
  return {
    clock: locks.clock,
    acquire: (path, options) => {
      acquired.push(path);
      return locks.acquire(path, options);
    },
    close: () => locks.close(),
  };
}

/** A's commits after its lease was lost: a fresh acquisition recovers R first. */
async function commitAfter(ctx: WorkloadContext, a: ReportStore, id: string): Promise<void> {
  await commitStep(ctx, "a tags again", "tag_update", () => a.tag(id, { add: ["a2"], remove: ["a1"] }));
  await commitStep(ctx, "a archives", "archive", () => a.archive(id));
}
