import { fc, test } from "@fast-check/vitest";
import type { OpenMode, StorageBackend } from "@living-reports/core";
import { expect } from "vitest";
import { treeListing } from "../src/conformance/support/treeListing.js";
import { recordTrace } from "../src/trace/recordTrace.js";
import { FakeBackend } from "./support/fakeBackend.js";
import { replayTrace } from "./support/replayTrace.js";

const NAMES = ["a", "b", "d/a", "d/b", "d"] as const;
const MODES: OpenMode[] = ["r", "r+", "w", "wx", "a"];

type Step =
  | {
      kind: "file";
      path: string;
      mode: OpenMode;
      writes: { data: Uint8Array; position: number | undefined }[];
      cut?: number;
    }
  | { kind: "rename" | "link"; from: string; to: string }
  | { kind: "unlink" | "mkdir" | "rmdir"; path: string };

const path = fc.constantFrom(...NAMES);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("file" as const),
      path,
      mode: fc.constantFrom(...MODES),
      writes: fc.array(
        fc.record({
          data: fc.uint8Array({ maxLength: 8 }),
          position: fc.option(fc.nat(12), { nil: undefined }),
        }),
        {
          maxLength: 3,
        },
      ),
      cut: fc.nat(10),
    },
    { requiredKeys: ["kind", "path", "mode", "writes"] },
  ),
  fc.record({ kind: fc.constantFrom("rename" as const, "link" as const), from: path, to: path }),
  fc.record({ kind: fc.constantFrom("unlink" as const, "mkdir" as const, "rmdir" as const), path }),
);

async function run(backend: StorageBackend, s: Step): Promise<void> {
  switch (s.kind) {
    case "file": {
      const handle = await backend.open(s.path, s.mode);
      for (const w of s.writes)
        await (w.position === undefined ? handle.write(w.data) : handle.write(w.data, w.position));
      if (s.cut !== undefined) await handle.truncate(s.cut);
      return handle.close();
    }
    case "rename":
      return backend.rename(s.from, s.to);
    case "link":
      return backend.link(s.from, s.to);
    default:
      return backend[s.kind](s.path);
  }
}

test.prop([fc.array(step, { maxLength: 15 })], { numRuns: 150 })(
  "a recorded trace replays on a fresh backend to the same tree, call by call",
  async (steps) => {
    const original = new FakeBackend();
    const { backend, trace } = recordTrace(original);
    for (const s of steps) await run(backend, s).catch(() => undefined);
    const copy = new FakeBackend();
    expect(await replayTrace(trace, copy)).toEqual([]);
    expect(await treeListing(copy)).toEqual(await treeListing(original));
  },
);
