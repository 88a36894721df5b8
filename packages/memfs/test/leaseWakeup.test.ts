import { openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { createMemfsDisk, VirtualClock } from "../src/index.js";

/**
 * An open core bug found by the index-compaction explorer workload (issue 11), pinned here:
 * two stores of one process commit in turns to their own reports, with kept locks (leases, the
 * default 20 ms). A store that keeps the index lock after a commit first asks whether anyone
 * waits (`contended()`: a `stat` of the waiting marker, so it awaits) and only then watches its
 * in-process queue; a waiter that queues in that gap is never told, and is served only by the
 * lease's idle poll. On a real clock that costs up to 5 ms; on the disk's virtual clock, which
 * moves only when told, nothing ever serves it: both loops hang (deterministically after 32
 * commits). The test asserts the hang until the bug is fixed (watch before asking, or ask
 * again after watching); then it fails, and should assert that all 40 commits complete.
 */
describe("lease hand-off between two stores of one process", () => {
  it("misses a waiter that queues while the holder decides to keep the lock (open bug)", {
    timeout: 30_000,
  }, async () => {
    const clock = new VirtualClock();
    const disk = createMemfsDisk({ clock });
    const setup = await openReports(disk.backend(), { clock, create: true });
    const x = (await setup.create({ title: "x" })).report_id;
    const y = (await setup.create({ title: "y" })).report_id;
    await setup.close();
    const a = await openReports(disk.backend(), { clock });
    const b = await openReports(disk.backend(), { clock });
    let commits = 0;
    const loop = async (store: typeof a, id: string, who: string) => {
      for (let i = 0; i < 20; i++) {
        await store.tag(id, { add: [`${who}${i}`] });
        commits += 1;
      }
    };
    const hung = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 5_000));
    const outcome = await Promise.race([
      Promise.all([loop(a, x, "a"), loop(b, y, "b")]).then(() => "done"),
      hung,
    ]);
    expect(outcome).toBe("hung");
    expect(commits).toBeLessThan(40);
    // Without kept locks (leaseIdleMs 0) the same loops complete: the lease is what hangs.
    const c = await openReports(disk.backend(), { clock, leaseIdleMs: 0 });
    const d = await openReports(disk.backend(), { clock, leaseIdleMs: 0 });
    await Promise.all([loop(c, x, "c"), loop(d, y, "d")]);
    await Promise.all([c.close(), d.close()]);
  });
});
