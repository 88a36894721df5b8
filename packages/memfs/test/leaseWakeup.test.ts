import { openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { createMemfsDisk, VirtualClock } from "../src/index.js";

/**
 * A core bug found by the index-compaction explorer workload (issue 11), fixed: two stores of
 * one process commit in turns to their own reports, with kept locks (leases, the default 20 ms).
 * A store that kept a lock after a commit first asked whether anyone waits (`contended()`: a
 * `stat` of the waiting marker, so it awaits) and only then watched its in-process queue; a
 * waiter that queued in that gap was never told, and was served only by the lease's idle poll:
 * up to 5 ms late on a real clock, never on the disk's virtual clock, which moves only when told
 * (both loops hung after 32 commits). The store now watches before it asks.
 */
describe("lease hand-off between two stores of one process", () => {
  it("serves a waiter that queues while the holder decides to keep the lock", {
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
    expect(outcome).toBe("done");
    expect(commits).toBe(40);
    await Promise.all([a.close(), b.close()]);
  });
});
