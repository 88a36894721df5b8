import { CRASH_MODES, type CrashMode, type StorageBackend } from "@living-reports/core";
import { expect, it } from "vitest";
import { text, utf8 } from "../support/bytes.js";
import { makeDir, writeFile } from "../support/files.js";
import { treeListing } from "../support/treeListing.js";
import type { ConformanceTarget } from "../target.js";
import { withRoot } from "../withRoot.js";
import { atomicReplaceSteps, REPLACE } from "./atomicReplaceSteps.js";
import { contentOrNull, crash, crashCases } from "./crashHelpers.js";

/** A workload leaving many volatile changes of every kind (writes, creates, renames, unlinks). */
async function volatileWorkload(backend: StorageBackend): Promise<void> {
  await makeDir(backend, "d", { durable: true });
  await writeFile(backend, "d/base", "base content", { durable: true });
  for (let i = 0; i < 4; i += 1) {
    const handle = await backend.open(`d/f${i}`, "w");
    for (let chunk = 0; chunk < 3; chunk += 1) await handle.write(utf8(`file ${i} chunk ${chunk};`));
    await handle.close();
  }
  await backend.rename("d/f0", "d/g0");
  await backend.unlink("d/base");
  await backend.mkdir("d/sub");
  const handle = await backend.open("d/f1", "r+");
  await handle.write(utf8("OVERWRITE"), 2);
  await handle.close();
}

/** Hand-made atomic replace cut after every prefix of its steps, the crash API, determinism. */
export function registerModelTests(target: ConformanceTarget): void {
  const prefixes = Array.from({ length: 8 }, (_, done) => done);
  const replaceCases = prefixes.flatMap((done) =>
    crashCases(CRASH_MODES).map(([m, s]) => [done, m, s] as const),
  );

  it.each(replaceCases)(
    "an atomic replace cut after %i of 7 steps leaves old or new, never torn (%s, seed %i)",
    (done, mode, seed) =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await makeDir(backend, REPLACE.dir, { durable: true });
        await writeFile(backend, REPLACE.target, REPLACE.old, { durable: true });
        const steps = atomicReplaceSteps(backend);
        for (const step of steps.slice(0, done)) await step();
        const after = crash(root, { mode, seed });
        const content = await contentOrNull(after, REPLACE.target);
        // Before the rename the target is untouched; once the directory is synced the replace is done.
        const allowed = done <= 5 ? [REPLACE.old] : done === 6 ? [REPLACE.old, REPLACE.next] : [REPLACE.next];
        expect(allowed, `target after ${done} steps and a ${mode} crash`).toContain(content);
      }),
  );

  it("crash() returns a new, working backend over the surviving state", () =>
    withRoot(target, async (root) => {
      await writeFile(root.backend, "kept", "kept", { durable: true });
      const after = crash(root, { mode: "prefix", seed: 1 });
      expect(after).not.toBe(root.backend);
      expect(after.capabilities.durability).toBe("simulated");
      expect(text(await after.readFile("kept"))).toBe("kept");
      await writeFile(after, "after-crash", "written after the crash", { durable: true });
      expect(text(await after.readFile("after-crash"))).toBe("written after the crash");
      expect(await after.readdir("")).toEqual(["after-crash", "kept"]);
    }));

  const deterministicCases = crashCases(CRASH_MODES.filter((m): m is CrashMode => m !== "drop"));
  it.each(deterministicCases)("the same seed gives the same state (%s, seed %i)", (mode, seed) =>
    withRoot(target, async (first) => {
      await volatileWorkload(first.backend);
      const one = await treeListing(crash(first, { mode, seed }));
      await withRoot(target, async (second) => {
        await volatileWorkload(second.backend);
        expect(await treeListing(crash(second, { mode, seed }))).toEqual(one);
      });
    }),
  );
}
