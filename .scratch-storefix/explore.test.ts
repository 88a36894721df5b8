import { exploreCrashes, standardWorkloads, type DiskModel } from "@living-reports/testkit";
import { createMemfsDisk, MemfsDisk, type MemfsDiskSnapshot, VirtualClock } from "@living-reports/memfs";
import { it } from "vitest";
const disks: DiskModel<MemfsDiskSnapshot> = {
  create: (clock) => createMemfsDisk({ clock }),
  fromSnapshot: (snapshot, clock) => MemfsDisk.fromSnapshot(snapshot, { clock }),
  clock: (startMs) => new VirtualClock(startMs),
};
it("x", async () => {
  const w = standardWorkloads().find((x) => x.workload.name === "index")!;
  const r = await exploreCrashes(w.workload, w.checker, { disks, mode: "prefix", seed: 1, states: 40 });
  console.log(r.violations, JSON.stringify({...r.failures[0], trace: undefined}, null, 1)?.slice(0, 3000));
}, 120000);
