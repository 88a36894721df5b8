import { atomicReplace, backupName, isTempName, makeBackup, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import type { FaultOp } from "../../faults/faultRule.js";
import { FaultyBackend } from "../../faults/faultyBackend.js";
import { text, utf8 } from "../support/bytes.js";
import { makeDir } from "../support/files.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";
import { expectInjected, STEP_ERRNOS } from "./faultExpectations.js";

const SOURCE = "r/outline.json";
const BACKUPS = "r/backups";
const CONTENT = '{"v":"kept"}';

/** The steps of makeBackup on a backend with these capabilities; the last one comes after the backup is named. */
function backupSteps(backend: StorageBackend): FaultOp[] {
  return backend.capabilities.hardLinks
    ? ["link", "syncDir"]
    : ["readFile", "open", "write", "sync", "close", "rename", "syncDir"];
}

async function backupNames(backend: StorageBackend): Promise<string[]> {
  return (await backend.readdir(BACKUPS)).filter((name) => !isTempName(name));
}

/**
 * Registers the fault tests of makeBackup (docs/GUARANTEES.md#g4-backups): each step fails once with EIO and ENOSPC;
 * the source is intact, no temp file is left, the backup exists only if the failure came after it
 * was named (the final directory sync: then it is complete, its durability unknown), and a retry
 * under a fresh name succeeds.
 */
export function describeBackupFaults(target: ConformanceTarget): void {
  describe(titleOf(target, "faults: makeBackup"), () => {
    for (const errno of STEP_ERRNOS) {
      it(`each step fails with ${errno}: typed error, source intact, no partial backup, a retry succeeds`, () =>
        withRoot(target, async ({ backend }) => {
          await makeDir(backend, "r", { durable: true });
          await makeDir(backend, BACKUPS, { durable: true });
          await atomicReplace(backend, SOURCE, utf8(CONTENT));
          for (const op of backupSteps(backend)) {
            const path = op === "syncDir" ? BACKUPS : op === "readFile" ? SOURCE : `${BACKUPS}/*`;
            const faulty = new FaultyBackend(backend, [{ op, path, error: errno }]);
            const before = await backupNames(backend);
            const name = backupName(new Date(), new Set(before));
            await expectInjected(faulty, makeBackup(faulty, SOURCE, `${BACKUPS}/${name}`), op, errno);
            expect(text(await backend.readFile(SOURCE))).toBe(CONTENT);
            expect((await backend.readdir(BACKUPS)).filter(isTempName)).toEqual([]);
            const named = op === "syncDir" ? [...before, name].sort() : before;
            expect(await backupNames(backend), `after a ${op} fault`).toEqual(named);
            if (op === "syncDir") expect(text(await backend.readFile(`${BACKUPS}/${name}`))).toBe(CONTENT);

            faulty.setPlan([]);
            const retry = backupName(new Date(), new Set(await backupNames(backend)));
            await makeBackup(faulty, SOURCE, `${BACKUPS}/${retry}`);
            expect(text(await backend.readFile(`${BACKUPS}/${retry}`))).toBe(CONTENT);
          }
        }));
    }
  });
}
