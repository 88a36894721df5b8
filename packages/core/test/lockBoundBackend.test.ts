import { describe, expect, it } from "vitest";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { LivingReportsError } from "../src/errors/livingReportsError.js";
import { AuditLogCache } from "../src/store/audit/auditCache.js";
import { LockBoundBackend } from "../src/store/locking/lockBoundBackend.js";
import { FakeBackend } from "./durableFakeBackend.js";

const encoder = new TextEncoder();

/** A lock that can be lost: `assertHeld` throws LOCK_COMPROMISED once `lost`. */
class SwitchLock {
  lost = false;
  checks = 0;
  assertHeld(): void {
    this.checks++;
    if (this.lost) throw new LivingReportsError(ErrorCode.LOCK_COMPROMISED, "lock lost");
  }
}

async function setup(): Promise<{ inner: FakeBackend; lock: SwitchLock; view: LockBoundBackend }> {
  const inner = new FakeBackend();
  await inner.mkdir("d");
  const file = await inner.open("d/a", "w");
  await file.write(encoder.encode("abc"));
  await file.close();
  const lock = new SwitchLock();
  return { inner, lock, view: new LockBoundBackend(inner, lock) };
}

describe("LockBoundBackend: writes under a lock go through a view that checks it", () => {
  it("refuses every mutating call once the lock is lost, before the backend sees it", async () => {
    const { inner, lock, view } = await setup();
    const handle = await view.open("d/a", "r+");
    lock.lost = true;
    const before = inner.calls.length;
    const attempts: [string, () => Promise<unknown>][] = [
      ["open w", () => view.open("d/b", "w")],
      ["open wx", () => view.open("d/b", "wx")],
      ["open a", () => view.open("d/b", "a")],
      ["open r+", () => view.open("d/a", "r+")],
      ["write", () => handle.write(encoder.encode("x"), 0)],
      ["truncate", () => handle.truncate(0)],
      ["rename", () => view.rename("d/a", "d/c")],
      ["link", () => view.link("d/a", "d/c")],
      ["unlink", () => view.unlink("d/a")],
      ["mkdir", () => view.mkdir("e")],
      ["rmdir", () => view.rmdir("d")],
      ["utimes", () => view.utimes("d/a", 1)],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toMatchObject({ code: ErrorCode.LOCK_COMPROMISED });
    }
    expect(inner.calls.slice(before)).toEqual([]);
    await handle.close();
  });

  it("lets reads and syncs through unchecked, and writes while the lock is held", async () => {
    const { inner, lock, view } = await setup();
    const handle = await view.open("d/a", "r+");
    expect(await handle.write(encoder.encode("x"), 0)).toBe(1);
    const checked = lock.checks;
    lock.lost = true;
    await handle.sync();
    await handle.datasync();
    await view.syncDir("d");
    expect(new TextDecoder().decode(await view.readFile("d/a"))).toBe("xbc");
    expect(await view.readdir("d")).toEqual(["a"]);
    expect((await view.stat("d/a")).kind).toBe("file");
    const reader = await view.open("d/a", "r");
    expect(new TextDecoder().decode(await reader.read(3, 0))).toBe("xbc");
    await reader.close();
    await handle.close();
    expect(lock.checks).toBe(checked);
    expect(inner.capabilities).toBe(view.capabilities);
  });
});

describe("AuditLogCache: a report's log is written only under the lock pinning it", () => {
  const id = "11111111-1111-4111-8111-111111111111";
  const record = { action_id: "00000000-0000-4000-8000-000000000001", report_id: id, payload: {} };

  it("refuses an append while no lock pins the report, and checks the pinning lock", async () => {
    const inner = new FakeBackend();
    await inner.mkdir("by_id");
    await inner.mkdir(`by_id/${id}`);
    await (await inner.open(`by_id/${id}/audit.jsonl`, "w")).close();
    const cache = new AuditLogCache(inner);
    const { log } = await cache.open(id);
    await expect(cache.append(id, log, record)).rejects.toMatchObject({ code: ErrorCode.LOCK_COMPROMISED });
    // The refused batch leaves the log refusing appends until it is reopened.
    await cache.evict(id);
    const reopened = (await cache.open(id)).log;
    const lock = new SwitchLock();
    cache.pin(id, lock);
    await cache.append(id, reopened, record);
    expect(lock.checks).toBeGreaterThan(0);
    lock.lost = true;
    await expect(cache.append(id, reopened, record)).rejects.toMatchObject({
      code: ErrorCode.LOCK_COMPROMISED,
    });
    cache.unpin(id, lock);
    await cache.closeAll();
  });
});
