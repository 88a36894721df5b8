import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SyncScheduler } from "../src/syncScheduler.js";

let dir: string;
let fd: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lr-sched-"));
  fd = fs.openSync(path.join(dir, "f"), "w");
  fs.writeSync(fd, "x");
});

afterEach(() => {
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SyncScheduler", () => {
  it("runs a lone writer's sync inline under adaptive", async () => {
    const scheduler = new SyncScheduler();
    scheduler.markDirty();
    expect(await scheduler.sync(fd, true, "adaptive", true)).toBe("inline");
    scheduler.markClean();
    expect(await scheduler.sync(fd, false, "adaptive", false)).toBe("inline");
  });

  it("goes to the thread pool when another handle holds unsynced writes", async () => {
    const scheduler = new SyncScheduler();
    scheduler.markDirty();
    expect(await scheduler.sync(fd, true, "adaptive", false)).toBe("pool");
    scheduler.markDirty();
    expect(await scheduler.sync(fd, true, "adaptive", true)).toBe("pool");
  });

  it("goes to the thread pool while another sync is there", async () => {
    const scheduler = new SyncScheduler();
    const first = scheduler.sync(fd, false, "promise", false);
    expect(await scheduler.sync(fd, false, "adaptive", false)).toBe("pool");
    expect(await first).toBe("pool");
    expect(await scheduler.sync(fd, false, "adaptive", false)).toBe("inline");
  });

  it("obeys a fixed api whatever the load", async () => {
    const scheduler = new SyncScheduler();
    scheduler.markDirty();
    expect(await scheduler.sync(fd, true, "sync", false)).toBe("inline");
    scheduler.markClean();
    expect(await scheduler.sync(fd, true, "promise", false)).toBe("pool");
  });

  it("rejects with the system error of a failed sync", async () => {
    const scheduler = new SyncScheduler();
    const notOpen = 1 << 20;
    await expect(scheduler.sync(notOpen, false, "sync", false)).rejects.toMatchObject({ code: "EBADF" });
    await expect(scheduler.sync(notOpen, true, "promise", false)).rejects.toMatchObject({ code: "EBADF" });
  });
});
