/**
 * The other process of `lock-handoff-crossprocess` (forked by trials/locks.ts with the contender
 * and the directory). On `acquire` it starts waiting for the lock and says `waiting`; once it gets
 * the lock it notes the monotonic time, releases at once, and answers `released` with that time.
 */

import { isContender } from "./names.js";
import { lockSides } from "./trials/lockSides.js";
import type { PeerMessage } from "./trials/locks.js";

const [name = "", dir = ""] = process.argv.slice(2);
const makeSide = isContender(name) ? lockSides[name] : undefined;
if (makeSide === undefined || process.send === undefined) {
  console.error(`lockPeer: no lock contender ${name}, or not forked with IPC`);
  process.exit(2);
}
const side = makeSide(dir, "handoff");
const send = (m: PeerMessage) => process.send?.(m);
let acquired: Promise<string> | undefined;

process.on("message", (m: PeerMessage) => {
  if (m.type === "acquire") {
    acquired = side.acquire().then(async (release) => {
      const at = process.hrtime.bigint().toString();
      await release();
      return at;
    });
    send({ type: "waiting" });
  } else if (m.type === "proceed" && acquired !== undefined) {
    acquired.then(
      (at) => send({ type: "released", at }),
      (err: unknown) => send({ type: "error", error: String(err) }),
    );
  }
});
process.on("disconnect", () => {
  void side.close().finally(() => process.exit(0));
});
