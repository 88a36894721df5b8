import { openReports } from "@living-reports/core";
import { createMemfsDisk, VirtualClock } from "@living-reports/memfs";
for (const crash of [false, true]) {
  const clock = new VirtualClock();
  let disk = createMemfsDisk({ clock });
  const opts = { create: true, lock: { staleMs: 300, refreshMs: 100, timeoutMs: 2000 } };
  let store = await openReports(disk.backend(), opts);
  const a = await store.create({ title: "A" });
  await store.delete(a.report_id);
  console.log("after delete", Object.keys(disk.toJSON()).filter(p => p.includes(".lock")));
  if (crash) { disk = disk.crash({ mode: "drop" }); await clock.advance(400); store = await openReports(disk.backend(), opts); }
  await store.trashRestore(a.report_id);
  console.log("after restore", Object.keys(disk.toJSON()).filter(p => p.includes(".lock")));
  await clock.advance(400);
  console.log(crash, JSON.stringify((await store.verify()).problems));
}
