import {
  AuditLog,
  appendLines,
  atomicReplace,
  backupName,
  ErrorCode,
  encodeAuditLine,
  isTempName,
  LivingReportsError,
  makeBackup,
  parseAuditLog,
  type StorageBackend,
} from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { auditRecord } from "./support/auditRecord.js";
import { text, utf8 } from "./support/bytes.js";
import { expectError } from "./support/expectError.js";
import { makeDir, writeFile } from "./support/files.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

const LOG = "r/audit.jsonl";

/** Each record carries non-ASCII text, so that appends and reads are checked on multi-byte UTF-8. */
function record(n: number): Record<string, unknown> {
  return auditRecord(n, { n, note: "métrique ±62% — ✓" });
}

/** Names in `dir` that are temp files a writer left behind. */
async function tempFiles(backend: StorageBackend, dir: string): Promise<string[]> {
  return (await backend.readdir(dir)).filter(isTempName);
}

/** After a simulated power loss that drops everything not made durable (memfs); `null` on real disks. */
function afterPowerLoss(root: TargetRoot): StorageBackend | null {
  return root.crash === undefined ? null : root.crash({ mode: "drop" });
}

async function readLog(backend: StorageBackend): Promise<ReturnType<typeof parseAuditLog>> {
  return parseAuditLog(await backend.readFile(LOG));
}

/** Appends `bytes` to the log as they are, as a crash may have left them. */
async function appendRaw(backend: StorageBackend, bytes: Uint8Array): Promise<void> {
  const handle = await backend.open(LOG, "a");
  await handle.write(bytes);
  await handle.close();
}

/**
 * Registers the durable-primitive tests for `target` (docs/FORMAT.md, docs/GUARANTEES.md G1–G4): atomicReplace,
 * AuditLog and makeBackup run on the backend itself, on a fresh root per test. Where the target
 * can simulate a power loss, each acknowledged result is also checked to survive one.
 */
export function describeDurablePrimitives(target: ConformanceTarget): void {
  describe(titleOf(target, "durable primitives: atomicReplace"), () => {
    it("creates, then replaces, a file whole; no temp file is left", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        await atomicReplace(backend, "r/outline.json", utf8("first ✓"));
        expect(text(await backend.readFile("r/outline.json"))).toBe("first ✓");
        const big = utf8("x".repeat(300_000));
        await atomicReplace(backend, "r/outline.json", big);
        expect(await backend.readFile("r/outline.json")).toEqual(big);
        expect(await backend.readdir("r")).toEqual(["outline.json"]);
      }));

    it("leaves no temp file and the target untouched when the rename fails", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        await makeDir(backend, "r/outline.json");
        await makeDir(backend, "r/outline.json/inside");
        const err = await atomicReplace(backend, "r/outline.json", utf8("new")).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LivingReportsError);
        expect(await backend.readdir("r")).toEqual(["outline.json"]);
        expect((await backend.stat("r/outline.json")).kind).toBe("directory");
      }));

    it("fails NOT_FOUND in a missing directory and creates nothing", () =>
      withRoot(target, async ({ backend }) => {
        await expectError(atomicReplace(backend, "missing/outline.json", utf8("x")), ErrorCode.NOT_FOUND);
        expect(await backend.readdir("")).toEqual([]);
      }));

    it("what it acknowledged survives a power loss", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        await atomicReplace(root.backend, "r/outline.json", utf8("v1"));
        await atomicReplace(root.backend, "r/outline.json", utf8("v2"));
        const after = afterPowerLoss(root);
        if (after === null) return;
        expect(text(await after.readFile("r/outline.json"))).toBe("v2");
        expect(await tempFiles(after, "r")).toEqual([]);
      }));
  });

  describe(titleOf(target, "durable primitives: AuditLog"), () => {
    it("appends framed, chained lines that read back in order after reopening", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        const log = new AuditLog(backend, LOG);
        await log.open();
        for (let n = 0; n < 3; n++) await log.append(record(n));
        await log.close();
        const again = new AuditLog(backend, LOG);
        const read = await again.open();
        expect(read.problems).toEqual([]);
        expect(read.tornTail).toBeNull();
        expect(read.lines.map((l) => l.kind)).toEqual(["framed", "framed", "framed"]);
        expect(read.lines.map((l) => l.record)).toEqual([record(0), record(1), record(2)]);
        expect((await again.append(record(3))).line).toBe(4);
        await again.close();
        expect((await readLog(backend)).problems).toEqual([]);
      }));

    it("group commit: concurrent appends all resolve, in call order, chained", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        const log = new AuditLog(root.backend, LOG);
        await log.open();
        const first = log.append(record(0));
        await first;
        const more = Array.from({ length: 16 }, (_, i) => log.append(record(i + 1)));
        const lines = await Promise.all(more);
        expect(lines.map((l) => l.line)).toEqual(Array.from({ length: 16 }, (_, i) => i + 2));
        await log.close();
        const read = await readLog(root.backend);
        expect(read.problems).toEqual([]);
        expect(read.lines.map((l) => (l.record.payload as { n: number }).n)).toEqual(
          Array.from({ length: 17 }, (_, i) => i),
        );
        const after = afterPowerLoss(root);
        if (after === null) return;
        expect((await readLog(after)).lines).toHaveLength(17);
      }));

    it("refuses to append after a torn tail until opened with repairTail, which cuts only the tail", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        const log = new AuditLog(backend, LOG);
        await log.open();
        await log.append(record(0));
        await log.close();
        const torn = await backend.open(LOG, "a");
        await torn.write(utf8('{"action_id": "00000000-0000-4000-8000-0000000'));
        await torn.close();

        const refusing = new AuditLog(backend, LOG);
        const seen = await refusing.open();
        expect(seen.tornTail).not.toBeNull();
        expect(seen.lines).toHaveLength(1);
        await expectError(refusing.append(record(1)), ErrorCode.CORRUPT_LOG);

        const repairing = new AuditLog(backend, LOG);
        await repairing.open({ repairTail: true });
        await repairing.append(record(1));
        await repairing.close();
        const read = await readLog(backend);
        expect(read.problems).toEqual([]);
        expect(read.tornTail).toBeNull();
        expect(read.lines.map((l) => l.record)).toEqual([record(0), record(1)]);
      }));

    it("a torn append left as garbage (bad UTF-8, stray newlines) is one torn tail, cut whole; with a record after it, damage", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        const log = new AuditLog(backend, LOG);
        await log.open();
        await log.append(record(0));
        await log.close();
        const size = (await backend.readFile(LOG)).byteLength;
        // A line's first bytes, then what a half-written sector leaves: random bytes, newlines among them.
        const garbage = new Uint8Array([
          ...utf8('{"action_id":"0000'),
          0xff,
          0x0a,
          0xc3,
          0x28,
          0x0a,
          0x37,
          0x0a,
          0x80,
        ]);
        await appendRaw(backend, garbage);

        const repairing = new AuditLog(backend, LOG);
        const seen = await repairing.open({ repairTail: true });
        expect(seen.problems).toEqual([]);
        expect(seen.tornTail).toEqual({ offset: size, length: garbage.byteLength });
        expect((await backend.readFile(LOG)).byteLength).toBe(size);
        await repairing.append(record(1));
        await repairing.close();
        const read = await readLog(backend);
        expect(read.problems).toEqual([]);
        expect(read.lines.map((l) => l.record)).toEqual([record(0), record(1)]);

        // The same garbage (newline-terminated) followed by a record: reported, never cut or appended to.
        await appendRaw(backend, new Uint8Array([...garbage, 0x0a]));
        await appendRaw(backend, utf8(encodeAuditLine(record(2), read.tailHash).text));
        const before = await backend.readFile(LOG);
        const damaged = new AuditLog(backend, LOG);
        const found = await damaged.open({ repairTail: true });
        expect(found.tornTail).toBeNull();
        expect(found.problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
        expect(found.lines.map((l) => l.record)).toEqual([record(0), record(1), record(2)]);
        await expectError(damaged.append(record(3)), ErrorCode.CORRUPT_LOG);
        await damaged.close();
        expect(await backend.readFile(LOG)).toEqual(before);
      }));

    it("every acknowledged append survives a power loss", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        const log = new AuditLog(root.backend, LOG);
        await log.open();
        await log.append(record(0));
        await log.append(record(1));
        const after = afterPowerLoss(root);
        if (after === null) return;
        const read = await readLog(after);
        expect(read.problems).toEqual([]);
        expect(read.lines.map((l) => l.record)).toEqual([record(0), record(1)]);
      }));
  });

  describe(titleOf(target, "durable primitives: makeBackup and appendLines"), () => {
    it("keeps the old content after the source is replaced, and links only with hard links", () =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await makeDir(backend, "r", { durable: true });
        await makeDir(backend, "r/backups", { durable: true });
        await atomicReplace(backend, "r/outline.json", utf8("v1"));
        const name = backupName(new Date(), new Set(await backend.readdir("r/backups")));
        const how = await makeBackup(backend, "r/outline.json", `r/backups/${name}`);
        expect(how).toBe(backend.capabilities.hardLinks ? "link" : "copy");
        await atomicReplace(backend, "r/outline.json", utf8("v2"));
        expect(text(await backend.readFile(`r/backups/${name}`))).toBe("v1");
        expect(await backend.readdir("r/backups")).toEqual([name]);
        const after = afterPowerLoss(root);
        if (after === null) return;
        expect(text(await after.readFile(`r/backups/${name}`))).toBe("v1");
        expect(text(await after.readFile("r/outline.json"))).toBe("v2");
      }));

    it("never overwrites an existing backup", () =>
      withRoot(target, async ({ backend }) => {
        await makeDir(backend, "r", { durable: true });
        await makeDir(backend, "r/backups", { durable: true });
        await writeFile(backend, "r/outline.json", "v2", { durable: true });
        await writeFile(backend, "r/backups/b.bak", "v1", { durable: true });
        await expectError(makeBackup(backend, "r/outline.json", "r/backups/b.bak"), ErrorCode.ALREADY_EXISTS);
        expect(text(await backend.readFile("r/backups/b.bak"))).toBe("v1");
      }));

    it("appendLines appends whole lines to a plain JSONL file", () =>
      withRoot(target, async ({ backend }) => {
        await appendLines(backend, "index.jsonl", '{"a":1}\n');
        await appendLines(backend, "index.jsonl", '{"a":2}\n{"a":3}\n', { sync: true });
        expect(text(await backend.readFile("index.jsonl"))).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
      }));
  });
}
