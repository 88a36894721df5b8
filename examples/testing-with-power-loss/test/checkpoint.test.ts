import { CRASH_MODES, ErrorCode, type StorageBackend } from "@living-reports/core";
import { createMemfsDisk, type MemfsDisk } from "@living-reports/memfs";
import { injectFaults } from "@living-reports/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from "../src/checkpoint.js";

const PATH = "state/checkpoint.json";
const OLD: Checkpoint = { job: "import", step: 1 };
const NEW: Checkpoint = { job: "import", step: 2 };

/** A simulated disk holding a durable `OLD` checkpoint. */
async function diskWithOldCheckpoint(): Promise<MemfsDisk> {
  const disk = createMemfsDisk();
  const fs = disk.backend();
  await fs.mkdir("state");
  await fs.syncDir("");
  await saveCheckpoint(fs, PATH, OLD);
  return disk;
}

describe("power loss (memfs durability model)", () => {
  it("an acknowledged checkpoint survives a power loss in every crash mode", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CRASH_MODES), fc.nat(), async (mode, seed) => {
        const disk = await diskWithOldCheckpoint();
        await saveCheckpoint(disk.backend(), PATH, NEW);
        // crash() returns a new disk holding what a power loss would leave; the old one is unchanged.
        expect(await loadCheckpoint(disk.crash({ mode, seed }).backend(), PATH)).toEqual(NEW);
      }),
      { numRuns: 100 },
    );
  });

  it("power cut after every backend call of a save: the old checkpoint or the new one, never torn", async () => {
    // A fault on the nth call stops the save right there (as a power cut would), then the power
    // goes: every prefix of the save, in every mode, over several seeds.
    for (let nth = 1; ; nth++) {
      const disk = await diskWithOldCheckpoint();
      const faulty = injectFaults(disk.backend(), [{ op: "*", nth, error: "EIO" }]);
      const saved = await saveCheckpoint(faulty, PATH, NEW).then(
        () => true,
        () => false,
      );
      for (const mode of CRASH_MODES) {
        for (let seed = 0; seed < 8; seed++) {
          const after = disk.crash({ mode, seed }).backend();
          const found = await loadCheckpoint(after, PATH);
          expect(saved ? [NEW] : [OLD, NEW]).toContainEqual(found);
          // The next save after the crash works: a leftover temp file does not get in the way.
          await saveCheckpoint(after, PATH, { job: "import", step: 3 });
        }
      }
      if (faulty.fired.length === 0) break; // the save had fewer than nth calls: all prefixes done
    }
  });

  it("has teeth: a save without fsync loses an acknowledged checkpoint", async () => {
    const careless = async (fs: StorageBackend, checkpoint: Checkpoint): Promise<void> => {
      const handle = await fs.open(PATH, "w");
      await handle.write(new TextEncoder().encode(JSON.stringify(checkpoint)), 0);
      await handle.close();
    };
    const disk = await diskWithOldCheckpoint();
    await careless(disk.backend(), NEW);
    expect(await loadCheckpoint(disk.backend(), PATH)).toEqual(NEW); // looks fine until the power goes
    expect(await loadCheckpoint(disk.crash({ mode: "drop" }).backend(), PATH)).not.toEqual(NEW);
  });
});

describe("I/O errors (testkit fault injection)", () => {
  it("a full disk fails the save with NO_SPACE and leaves the old checkpoint readable", async () => {
    const disk = await diskWithOldCheckpoint();
    const faulty = injectFaults(disk.backend(), [{ op: "write", path: "state/*.tmp", error: "ENOSPC" }]);
    await expect(saveCheckpoint(faulty, PATH, NEW)).rejects.toMatchObject({ code: ErrorCode.NO_SPACE });
    expect(faulty.fired.map((f) => f.op)).toEqual(["write"]);
    expect(await loadCheckpoint(faulty, PATH)).toEqual(OLD);

    faulty.setPlan([]); // space freed: the retry succeeds
    await saveCheckpoint(faulty, PATH, NEW);
    expect(await loadCheckpoint(disk.crash({ mode: "drop" }).backend(), PATH)).toEqual(NEW);
  });

  it("a failed fsync is reported, never taken for success", async () => {
    const disk = await diskWithOldCheckpoint();
    const faulty = injectFaults(disk.backend(), [{ op: "sync", error: "EIO" }]);
    await expect(saveCheckpoint(faulty, PATH, NEW)).rejects.toMatchObject({ code: ErrorCode.FSYNC_FAILED });
    expect(await loadCheckpoint(disk.crash({ mode: "torn", seed: 3 }).backend(), PATH)).toEqual(OLD);
  });
});
