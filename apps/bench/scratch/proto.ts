import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lrb-"));
const backend = nodeFsBackend({ root: dir });
const store = await openReports(backend, { create: true });
const sections = Array.from({ length: 8 }, (_, i) => ({ section_id: crypto.randomUUID(), title: `Section ${i}`, order: i, insight_ids: [], content: "x".repeat(300), content_format: "markdown" as const, metadata: {} }));
let o = await store.create({ title: "bench", sections });
console.log("size", JSON.stringify(o).length);
const N = Number(process.argv[2] ?? 200);
fs.accessSync("/"); 
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  o = await store.update({ ...o, title: `bench ${i}` });
}
const t1 = performance.now();
console.log("update us/op", ((t1 - t0) * 1000) / N);
await store.close();
fs.rmSync(dir, { recursive: true });
