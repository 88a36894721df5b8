import { runCliKill } from "../scenarios/cliKill.ts";
const t = Date.now();
const r = await runCliKill(1, 11);
console.log(JSON.stringify(r, null, 1).slice(0, 4000));
console.log("ms", Date.now() - t);
