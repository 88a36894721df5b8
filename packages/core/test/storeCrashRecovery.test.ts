import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openReports, parseAuditLog, type StorageBackend } from "../src/index.js";
import { verifyStore } from "../src/store/verify/index.js";
import { LockingFakeBackend, mapErrors } from "./verifyWritableBackend.js";

/**
 * Recovery of states a crash (or a failure) leaves half-way, shaped by hand on the fake backend:
 * a stale session lock makes the next open recover, as after a writer died.
 */
interface World {
  fake: LockingFakeBackend;
  backend: StorageBackend;
}

/** The fake, with folder renames (moves to and from the trash). */
class FolderRenamingBackend extends LockingFakeBackend {
  override async rename(from: string, to: string): Promise<void> {
    if (!this.dirs.has(from)) return await super.rename(from, to);
    this.record("rename", `${from} -> ${to}`);
    // The store never renames a folder onto an existing one: a real file system would refuse it.
    if (this.dirs.has(to)) throw Object.assign(new Error(`ENOTEMPTY: ${to}`), { code: "ENOTEMPTY" });
    copyDir(this, from, to);
    for (const dir of [...this.dirs]) if (dir === from || dir.startsWith(`${from}/`)) this.dirs.delete(dir);
    for (const path of [...this.files.keys()]) if (path.startsWith(`${from}/`)) this.files.delete(path);
  }
}

function newWorld(): World {
  const fake = new FolderRenamingBackend();
  return { fake, backend: mapErrors(fake) };
}

/** Leaves a session lock refreshed long ago: the next open finds a crashed writer. */
async function crashedSession(world: World): Promise<void> {
  const path = `.sessions/${randomUUID()}.lock`;
  await world.fake.mkdir(path);
  await world.fake.utimes(path, 0);
}

/** Copies folder `from` to `to` (files shared, as hard links): what a half-durable rename leaves. */
function copyDir(fake: LockingFakeBackend, from: string, to: string): void {
  for (const dir of [...fake.dirs]) {
    if (dir === from || dir.startsWith(`${from}/`)) fake.dirs.add(to + dir.slice(from.length));
  }
  for (const [path, inode] of [...fake.files]) {
    if (path.startsWith(`${from}/`)) fake.files.set(to + path.slice(from.length), inode);
  }
}

function records(fake: LockingFakeBackend, path: string): Record<string, unknown>[] {
  return parseAuditLog(new TextEncoder().encode(fake.text(path))).lines.map((l) => l.record);
}

async function problems(backend: StorageBackend): Promise<string[]> {
  return (await verifyStore(backend, { now: () => Date.now() })).problems.map((p) => `${p.code} ${p.file}`);
}

describe("store recovery of half-done operations", () => {
  it("rolls forward a create cut between its outline and its event", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    await store.close();
    world.fake.files.delete(`by_id/${a.report_id}/audit.jsonl`);
    await crashedSession(world);
    expect((await problems(world.backend)).some((p) => p.startsWith("AUDIT_MISSING"))).toBe(true);

    const reopened = await openReports(world.backend);
    expect(reopened.recovery.mended.map((m) => m.action)).toContain("rolled_forward_create");
    expect((await reopened.history(a.report_id)).map((e) => e.action_type)).toEqual(["create"]);
    expect((await reopened.list()).map((e) => e.current_title)).toEqual(["Alpha"]);
    const [event] = records(world.fake, `by_id/${a.report_id}/audit.jsonl`);
    expect(event?.payload).toMatchObject({ initial_title: "Alpha", outline_version: 1, recovered: true });
    await reopened.close();
    expect(await problems(world.backend)).toEqual([]);
  });

  it("removes a cut create whose outline does not load", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    await store.close();
    world.fake.files.delete(`by_id/${a.report_id}/audit.jsonl`);
    world.fake.put(`by_id/${a.report_id}/outline.json`, "{ torn");
    await crashedSession(world);
    const reopened = await openReports(world.backend);
    expect(reopened.recovery.mended.map((m) => m.action)).toContain("removed_incomplete_create");
    expect(await reopened.list()).toEqual([]);
    await reopened.close();
    expect(await problems(world.backend)).toEqual([]);
  });

  it("keeps the trash copy of a delete left in both places, and completes it without calling it unrecoverable", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    const entry = await store.delete(a.report_id);
    await store.close();
    copyDir(world.fake, entry.location, `by_id/${a.report_id}`);
    await crashedSession(world);
    expect(await problems(world.backend)).toContain(`REPORT_IN_TWO_PLACES ${entry.location}`);

    const reopened = await openReports(world.backend);
    const actions = reopened.recovery.mended.map((m) => m.action);
    expect(actions).toContain("removed_move_remnant");
    expect(actions).not.toContain("unrecoverable");
    expect((await reopened.trashList()).map((e) => e.location)).toEqual([entry.location]);
    expect(await reopened.list()).toEqual([]);
    await reopened.trashRestore(a.report_id);
    expect((await reopened.get(a.report_id)).title).toBe("Alpha");
    await reopened.close();
    expect(await problems(world.backend)).toEqual([]);
  });

  it("completes a restore whose event is logged, on repair, and brings back no lock", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    const entry = await store.delete(a.report_id);
    // A report lock the delete carried into the trash, then a restore cut after its event.
    await world.fake.mkdir(`${entry.location}/.lock`);
    await world.fake.utimes(`${entry.location}/.lock`, 0);
    world.fake.fault = (call) =>
      call.op === "rename" ? Object.assign(new Error("EIO"), { code: "EIO" }) : undefined;
    await expect(store.trashRestore(a.report_id)).rejects.toMatchObject({ code: "STORAGE_FAILURE" });
    world.fake.fault = undefined;
    expect(records(world.fake, `${entry.location}/audit.jsonl`).at(-1)?.action_type).toBe("status_change");

    const repaired = await store.repair();
    expect(repaired.mended.map((m) => m.action)).toContain("completed_restore");
    expect(repaired.unresolved).toEqual([]);
    expect((await store.get(a.report_id)).title).toBe("Alpha");
    expect(await store.trashList()).toEqual([]);
    expect(world.fake.dirs.has(`by_id/${a.report_id}/.lock`)).toBe(false);
    await store.close();
    expect(await problems(world.backend)).toEqual([]);
  });
});

describe("a restore that failed after its event", () => {
  it("is finished by the next restore, logged once", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    await store.delete(a.report_id);
    world.fake.fault = (call) =>
      call.op === "rename" ? Object.assign(new Error("EIO"), { code: "EIO" }) : undefined;
    await expect(store.trashRestore(a.report_id)).rejects.toMatchObject({ code: "STORAGE_FAILURE" });
    world.fake.fault = undefined;
    await store.trashRestore(a.report_id);
    const restored = (await store.history(a.report_id)).filter((e) => e.action_type === "status_change");
    expect(restored).toHaveLength(1);
    await store.close();
    expect(await problems(world.backend)).toEqual([]);
  });
});

describe("index upkeep after a committed operation", () => {
  it("retries a failed index append at once, so other processes see the change", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    const a = await store.create({ title: "Alpha" });
    let failed = false;
    world.fake.fault = (call) => {
      // The append's first call: its write (the store keeps its append handle from the create).
      if (failed || call.op !== "write" || call.path !== "index.jsonl") return undefined;
      failed = true;
      return Object.assign(new Error("EIO"), { code: "EIO" });
    };
    await store.rename(a.report_id, "Revenue Q1");
    world.fake.fault = undefined;
    expect(failed).toBe(true);
    const other = await openReports(world.backend, { readOnly: true });
    expect((await other.list()).map((e) => e.current_title)).toEqual(["Revenue Q1"]);
    await other.close();
    await store.close();
  });

  it("close makes the session's index appends durable before it releases the session lock", async () => {
    const world = newWorld();
    const store = await openReports(world.backend, { create: true });
    await store.create({ title: "Alpha" });
    const from = world.fake.calls.length;
    await store.close();
    const ops = world.fake.ops().slice(from);
    const synced = ops.indexOf("fdatasync index.jsonl");
    const released = ops.findIndex((op) => op.startsWith("rmdir .sessions/"));
    expect(synced).toBeGreaterThanOrEqual(0);
    expect(released).toBeGreaterThan(synced);
    expect(ops.slice(synced, released)).toContain("syncDir ");
  });
});
