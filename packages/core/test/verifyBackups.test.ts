import { describe, expect, it } from "vitest";
import type { VerifyReport } from "../src/store/shared/types.js";
import { verifyStore } from "../src/store/verify/index.js";
import {
  actionId,
  auditRecords,
  chainLines,
  newStore,
  outlineOf,
  writeLibraryReport,
} from "./verifySupport.js";

const A = "0c6d3f9e-5b1a-4c8e-9f0a-1b2c3d4e5f60";
const AUDIT_A = `by_id/${A}/audit.jsonl`;

/** Report A created, evolved and tagged: two backups, named at lines 2 and 3. */
function healthyStore() {
  const backend = newStore();
  const v1 = outlineOf(A);
  writeLibraryReport(backend, A, [
    { action_type: "create", outline: v1 },
    { action_type: "evolve", outline: { ...v1, title: "Revised", outline_version: 2 } },
    {
      action_type: "tag_update",
      outline: { ...v1, title: "Revised", outline_version: 3, metadata: { tags: [] } },
    },
  ]);
  return backend;
}

function found(result: VerifyReport): string[] {
  return result.problems
    .map((p) => `${p.code} ${p.report_id ?? "-"} ${p.file ?? "-"}:${p.line ?? "-"}`)
    .sort();
}

describe("verifyStore: backups (G4)", () => {
  it("reports a missing backup and an invalid one, with the line that names it", async () => {
    const backend = healthyStore();
    const [evolve, tag] = auditRecords(backend, A).slice(1).map(backupNamed);
    backend.remove(`by_id/${A}/backups/${evolve}`);
    backend.put(`by_id/${A}/backups/${tag}`, "{}");
    expect(found(await verifyStore(backend))).toEqual([
      `BACKUP_INVALID ${A} by_id/${A}/backups/${tag}:-`,
      `BACKUP_MISSING ${A} by_id/${A}/backups/${evolve}:2`,
    ]);
  });

  it("reports two events naming the same file as the backup they made (a frozen clock's clash)", async () => {
    const backend = healthyStore();
    const records = auditRecords(backend, A);
    const first = backupNamed(records[1]!);
    const second = backupNamed(records[2]!);
    // The tag change names the evolve's backup as its own: one of the two lost its backup.
    (records[2]!.payload as Record<string, unknown>).backup_filename = first;
    backend.remove(`by_id/${A}/backups/${second}`);
    backend.put(AUDIT_A, chainLines(records));
    expect(found(await verifyStore(backend))).toEqual([`BACKUP_NAMED_TWICE ${A} ${AUDIT_A}:3`]);
  });

  it("reports a backup that does not hold the outline committed before the event that made it", async () => {
    const backend = healthyStore();
    const [evolve, tag] = auditRecords(backend, A).slice(1).map(backupNamed);
    // Both are valid outlines of A, swapped: each holds a state, but not the one before its commit.
    const evolveBytes = backend.get(`by_id/${A}/backups/${evolve}`);
    backend.put(`by_id/${A}/backups/${evolve}`, backend.get(`by_id/${A}/backups/${tag}`));
    backend.put(`by_id/${A}/backups/${tag}`, evolveBytes);
    expect(found(await verifyStore(backend))).toEqual([
      `BACKUP_CONTENT_MISMATCH ${A} by_id/${A}/backups/${evolve}:2`,
      `BACKUP_CONTENT_MISMATCH ${A} by_id/${A}/backups/${tag}:3`,
    ]);
  });

  it("accepts a missing backup that a later backup event records as pruned", async () => {
    const backend = healthyStore();
    const records = auditRecords(backend, A);
    const name = backupNamed(records[1]!);
    backend.remove(`by_id/${A}/backups/${name}`);
    const { outline_sha256: _sha, ...base } = records[0]!;
    records.push({
      ...base,
      action_id: actionId(),
      action_type: "backup",
      ts: "2026-03-01T11:00:00Z",
      payload: { pruned: [name] },
    });
    backend.put(AUDIT_A, chainLines(records));
    expect((await verifyStore(backend)).problems).toEqual([]);
  });

  it("never follows a backup name that leaves backups/", async () => {
    const backend = healthyStore();
    const records = auditRecords(backend, A);
    records[2] = { ...records[2]!, payload: { backup_filename: "../../../FORMAT", outline_version: 3 } };
    backend.put(AUDIT_A, chainLines(records));
    const result = await verifyStore(backend);
    expect(found(result)).toEqual([`BACKUP_INVALID ${A} ${AUDIT_A}:3`]);
    expect(backend.calls.filter((c) => c.includes(".."))).toEqual([]);
  });
});

/** The `backup_filename` an audit record names. */
function backupNamed(record: Record<string, unknown>): string {
  const name = (record.payload as Record<string, unknown>).backup_filename;
  if (typeof name !== "string") throw new Error("the record names no backup");
  return name;
}
