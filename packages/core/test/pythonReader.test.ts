import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Outline, openReports, validateOutline } from "../src/index.js";
import { indexEntryFor } from "../src/store/index/indexLines.js";
import { LockingFakeBackend, mapErrors } from "./verifyWritableBackend.js";

/** The repository root; CI lays `shared/` beside the clone, so the seed is at `<repo>/../shared`. */
const REPO = resolve(import.meta.dirname, "..", "..", "..");
const SEED = resolve(REPO, "..", "shared", "seed", "python");
const SCRIPT = join(import.meta.dirname, "python", "read_store.py");

/** Why the independent Python reader cannot run here, or null when it can. */
function pythonUnavailable(): string | null {
  if (!existsSync(join(SEED, "seedpkg", "models.py"))) return `no seed models at ${SEED}`;
  const probe = spawnSync("python3", ["-c", "import pydantic"], { encoding: "utf8" });
  if (probe.error !== undefined) return "python3 is not installed";
  if (probe.status !== 0) return "python3 has no pydantic";
  return null;
}

const unavailable = pythonUnavailable();
const skipNote = unavailable === null ? "" : ` (skipped: ${unavailable})`;

interface ReaderResult {
  outlines: number;
  backups: number;
  index_lines: number;
  failures: { file: string; error: string }[];
}

function readWithPython(root: string): ReaderResult {
  const run = spawnSync("python3", [SCRIPT, root], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: SEED },
  });
  if (run.error !== undefined) throw run.error;
  if (run.stdout.trim() === "") throw new Error(`the Python reader printed nothing: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReaderResult;
}

const ID_A = "5d1f0c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f";
const ID_B = "c0ffee00-1234-4abc-8def-0123456789ab";
const SECTION = "6f5e4d3c-2b1a-4098-8765-43210fedcba9";
const INSIGHT = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";

/** Outlines as the library builds them: validated (defaults applied), with every optional shape. */
function outlines(): { a1: Outline; a2: Outline; b: Outline } {
  const a1 = validateOutline({
    report_id: ID_A,
    title: "Q1 revenue ✓ “quoted”",
    created_at: "2026-03-01T09:00:00.000Z",
    updated_at: "2026-03-01T09:00:00.000Z",
    outline_version: 1,
    metadata: { tags: ["finance"], status: "active" },
  });
  const a2 = validateOutline({
    ...a1,
    outline_version: 2,
    updated_at: "2026-03-01T10:00:00+00:00",
    sections: [
      {
        section_id: SECTION,
        title: "Part 1",
        order: 0,
        insight_ids: [INSIGHT],
        content: "## Part 1\nText",
        notes: null,
      },
      {
        section_id: INSIGHT.replace("0a", "1a"),
        title: "Raw",
        order: 1,
        content_format: "html",
        content: "<p>x</p>",
      },
    ],
    insights: [
      {
        insight_id: INSIGHT,
        importance: 7,
        summary: "Revenue grew",
        supporting_queries: [{ execution_id: "e1", schema: "public", cache_only: true }],
        citations: [
          { source: "query", query_id: "q1", sql_sha256: "ab" },
          { source: "url", url: "https://example.com", title: "Source", accessed_at: "2026-03-01" },
        ],
        draft_changes: { note: "pending" },
        metadata: { owner: "agent" },
      },
    ],
  });
  const b = validateOutline({
    report_id: ID_B,
    title: "Churn drivers — EMEA",
    created_at: "2026-03-01T09:00:00Z",
    updated_at: "2026-03-01T11:00:00Z",
    outline_version: 3,
    metadata: { tags: [], status: "archived" },
  });
  return { a1, a2, b };
}

describe("outlines, backups and index lines the library writes load under the Python models", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  function writeStore(files: Record<string, Uint8Array | string>): string {
    const root = mkdtempSync(join(tmpdir(), "lr-python-"));
    roots.push(root);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  it.skipIf(unavailable !== null)(
    `every outline, backup and index line the store writes validates${skipNote}`,
    async () => {
      const backend = new LockingFakeBackend();
      const store = await openReports(mapErrors(backend), { create: true });
      try {
        const { a2 } = outlines();
        const a = await store.create({
          title: a2.title,
          tags: ["finance"],
          sections: a2.sections,
          insights: a2.insights,
        });
        await store.update({
          ...a,
          title: "Q1 revenue, revised",
          metadata: { ...a.metadata, owner: "agent" },
        });
        await store.tag(a.report_id, { add: ["q1"], remove: ["finance"] });
        const b = await store.create({ title: "Churn drivers — EMEA" });
        await store.rename(b.report_id, "Churn drivers — EMEA (final)");
        await store.archive(b.report_id);
        await store.revert(a.report_id, (await store.history(a.report_id))[1]!.action_id);
      } finally {
        await store.close();
      }
      const files = Object.fromEntries([...backend.files].map(([path, inode]) => [path, inode.data]));
      const backups = Object.keys(files).filter((path) => path.endsWith(".bak")).length;
      expect(backups).toBeGreaterThanOrEqual(5);
      const result = readWithPython(writeStore(files));
      expect(result).toMatchObject({ outlines: 2, backups, failures: [] });
      expect(result.index_lines).toBeGreaterThanOrEqual(2);
    },
  );

  it.skipIf(unavailable !== null)(`the Python reader does reject what its models forbid${skipNote}`, () => {
    const { b } = outlines();
    const root = writeStore({
      [`by_id/${ID_B}/outline.json`]: JSON.stringify({ ...b, unknown_key: 1 }),
      "index.jsonl": `${JSON.stringify({ ...indexEntryFor(b), status: "gone" })}\n`,
    });
    const result = readWithPython(root);
    expect(result.failures.map((f) => f.file).sort()).toEqual([
      "by_id/c0ffee00-1234-4abc-8def-0123456789ab/outline.json",
      "index.jsonl",
    ]);
  });
});
