import {
  type OpenReportsOptions,
  type Outline,
  openReports,
  type ReportStore,
  type StorageBackend,
} from "@living-reports/core";
import { treeListing } from "./support/treeListing.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { withRoot } from "./withRoot.js";

/** A fresh root with an open store on it; the store is closed (if still open) before teardown. */
export async function withStore(
  target: ConformanceTarget,
  fn: (store: ReportStore, root: TargetRoot) => Promise<void>,
  options: OpenReportsOptions = {},
): Promise<void> {
  await withRoot(target, async (root) => {
    const store = await openReports(root.backend, { create: true, ...options });
    try {
      await fn(store, root);
    } finally {
      await store.close();
    }
  });
}

/** Every file and directory of the root, with contents: equal exactly when nothing changed. */
export async function snapshot(backend: StorageBackend): Promise<Record<string, string>> {
  return await treeListing(backend);
}

/**
 * The same snapshot without lock and session entries (which live writers hold while open, and
 * release at any moment: a lease kept after a commit goes when idle), which are not even read.
 */
export async function dataSnapshot(backend: StorageBackend): Promise<Record<string, string>> {
  return await treeListing(backend, "", (path) => path.startsWith(".sessions") || LOCK_ENTRY.test(path));
}

/** A lock, or one of its companions (`<lock>.waiting`, reclaim guards), at any depth. */
const LOCK_ENTRY = /(^|\/)[^/]*\.lock(\/|$|\.)/;

/** A section with one insight, valid under the schema. */
export function sampleContent(n: number): Pick<Outline, "sections" | "insights"> {
  const insightId = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return {
    sections: [
      {
        section_id: `10000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
        title: `Section ${n}`,
        order: 0,
        insight_ids: [insightId],
        content: `Body ${n} ✓`,
        content_format: "markdown",
        metadata: {},
      },
    ],
    insights: [
      {
        insight_id: insightId,
        importance: 5,
        status: "active",
        summary: `Finding ${n}`,
        supporting_queries: [],
        citations: [],
        draft_changes: null,
        metadata: {},
      },
    ],
  };
}

/** Reads a root-relative file as text. */
export async function readText(backend: StorageBackend, path: string): Promise<string> {
  return new TextDecoder().decode(await backend.readFile(path));
}

/** Writes a root-relative file (create or truncate), synced. */
export async function writeText(backend: StorageBackend, path: string, text: string): Promise<void> {
  const handle = await backend.open(path, "w");
  await handle.write(new TextEncoder().encode(text), 0);
  await handle.sync();
  await handle.close();
}
