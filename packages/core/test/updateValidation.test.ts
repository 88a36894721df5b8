import { afterEach, describe, expect, it, vi } from "vitest";
import { OutlineSchema } from "../src/schema/outline.js";
import { openReports } from "../src/store/openReports.js";
import { LockingFakeBackend, mapErrors } from "./verifyWritableBackend.js";

// An update validates its outline once (the caller's input); the store's own
// edits (version, updated_at) and the outline it committed last are not validated again.

afterEach(() => {
  vi.restoreAllMocks();
});

describe("one validation per update", () => {
  it("an update runs the outline schema once, however many updates came before", async () => {
    const store = await openReports(mapErrors(new LockingFakeBackend()), { create: true });
    try {
      let outline = await store.create({ title: "validated once" });
      outline = await store.update({ ...outline, title: "first" });
      const parse = vi.spyOn(OutlineSchema, "safeParse");
      for (let i = 0; i < 3; i++) outline = await store.update({ ...outline, title: `update ${i}` });
      expect(parse).toHaveBeenCalledTimes(3);
    } finally {
      await store.close();
    }
  });

  it("an outline changed behind the store's back is parsed (and recorded) again, not taken from memory", async () => {
    const backend = new LockingFakeBackend();
    const store = await openReports(mapErrors(backend), { create: true });
    try {
      const outline = await store.create({ title: "edited by hand" });
      const path = `by_id/${outline.report_id}/outline.json`;
      const edited = { ...outline, title: "hand edit" };
      const file = await backend.open(path, "w");
      await file.write(new TextEncoder().encode(JSON.stringify(edited, null, 2)));
      await file.close();
      const renamed = await store.rename(outline.report_id, "after the edit");
      expect(renamed.outline_version).toBe(outline.outline_version + 1);
      const history = await store.history(outline.report_id);
      expect(history.map((e) => e.action_type)).toEqual(["create", "manual_edit_detected", "rename"]);
      expect(history.at(-1)?.payload.old_title).toBe("hand edit");
    } finally {
      await store.close();
    }
  });
});
