import { ErrorCode, type StorageBackend } from "@living-reports/core";
import { injectFaults, recordTrace } from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { createMemfsDisk } from "../src/index.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

// The testkit's wrappers derive from one delegating base whose handle forwards `loseUnsynced`, so a
// fault injector over a recorder (or over another fault injector) still reaches the disk's.
describe("a loseUnsynced fault through other wrappers", () => {
  for (const [name, wrap] of [
    ["a trace recorder", (b: StorageBackend) => recordTrace(b).backend],
    ["another fault injector", (b: StorageBackend) => injectFaults(b)],
  ] as const) {
    it(`over ${name}: the sync fails, the data stays readable, a power loss takes it`, async () => {
      const disk = createMemfsDisk();
      const backend = injectFaults(wrap(disk.backend()), [
        { op: "sync", path: "data.json", error: "EIO", loseUnsynced: true },
      ]);
      const handle = await backend.open("data.json", "w");
      await handle.write(bytes("v1"), 0);
      await expect(handle.sync()).rejects.toMatchObject({ code: ErrorCode.FSYNC_FAILED });
      await handle.close();
      await backend.syncDir("");
      expect(text(await disk.backend().readFile("data.json"))).toBe("v1");
      expect(disk.crash({ mode: "drop" }).toJSON()["data.json"]).toBe("");
    });
  }
});
