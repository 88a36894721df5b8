import { openReports } from "@living-reports/core";
import { createMemfsDisk, VirtualClock } from "@living-reports/memfs";
import { FaultyBackend } from "../faults/faultyBackend.js";
const ops = ["open","write","sync","datasync","syncDir","rename","link","unlink","mkdir","rmdir","readdir","stat","readFile","close","utimes"] as const;
for (const op of ops) for (let nth = 1; nth <= 6; nth++) {
  const clock = new VirtualClock();
  const disk = createMemfsDisk({ clock });
  const faulty = new FaultyBackend(disk.backend());
  const store = await openReports(faulty, { create: true, lock: { staleMs: 300, refreshMs: 100, timeoutMs: 2000 } });
  const a = await store.create({ title: "A" });
  faulty.setPlan([{ op, nth, error: "EIO" }]);
  let out: string;
  try { await store.rename(a.report_id, "B"); out = "ok"; } catch (e: any) { out = `${e.code} ${e.syscode} ${e.message.slice(0,80)}`; }
  const fired = faulty.fired.map(f => `${f.op}:${f.path}`).join(",");
  faulty.setPlan([]);
  if (fired === "") continue;
  const g = await store.get(a.report_id).catch((e:any)=>({title: e.code, outline_version: -1}));
  const h = await store.history(a.report_id).catch(()=>[]);
  const l = await store.list();
  console.log(`${op}#${nth} [${fired}] -> ${out} | get ${g.title} v${g.outline_version} hist ${h.length} list ${l.map(e=>e.current_title)}`);
}
