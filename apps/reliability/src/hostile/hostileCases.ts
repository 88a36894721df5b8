import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { OpenReportsOptions, ReportStore, StorageBackend } from "@living-reports/core";
import { injectFaults } from "@living-reports/testkit";

/** The world one hostile case runs in: a store with one valid report, and a directory outside it. */
export interface HostileWorld {
  root: string;
  /** A directory outside the root, holding `outline.json` (a valid outline) and `secret.txt`. */
  outside: string;
  /** The valid report. */
  id: string;
  /** A valid, unused UUID. */
  spare: string;
  /** The store, opened for writing over `backend()`. */
  store: ReportStore;
  /** Opens another store on the same root, over `wrap(nodeFsBackend)` if given. */
  open(wrap?: (b: StorageBackend) => StorageBackend, options?: OpenReportsOptions): Promise<ReportStore>;
}

/** One hostile input: what is done to the world, and the typed error the attempt must end in. */
export interface HostileCase {
  name: string;
  /** The error code expected (one of them, where the platform decides between two). */
  codes: string[];
  /** Damage or plant files before the attempt (outside the snapshot of the unchanged store). */
  arrange?(w: HostileWorld): void;
  /** The attempt; must reject. */
  attempt(w: HostileWorld): Promise<unknown>;
}

const BAD_IDS: [string, string][] = [
  ["..", ".."],
  ["../ escape", "../../etc"],
  ["separator /", "by_id/x"],
  ["separator \\", "a\\b"],
  ["NUL", "3f2504e0-4f89-11d3-9a0c-0305e82c3301\0"],
  ["very long", "a".repeat(100_000)],
  ["cyrillic look-alike", "3f2504е0-4f89-11d3-9a0c-0305e82c3301"],
  ["fullwidth digits", "３f2504e0-4f89-11d3-9a0c-0305e82c3301"],
  ["uppercase UUID", "3F2504E0-4F89-11D3-9A0C-0305E82C3301"],
  ["UUID with trailing dot segment", "3f2504e0-4f89-11d3-9a0c-0305e82c3301/.."],
];

function outlineText(w: HostileWorld, extra: Record<string, unknown> = {}): string {
  const o = JSON.parse(fs.readFileSync(nodePath.join(w.root, "by_id", w.id, "outline.json"), "utf8"));
  return JSON.stringify({ ...o, ...extra }, null, 2);
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

function reportFile(w: HostileWorld, ...parts: string[]): string {
  return nodePath.join(w.root, "by_id", w.id, ...parts);
}

/**
 * Issue 7.4's hostile inputs that need a real disk (real symlinks, real files of the wrong kind,
 * real bytes): each must end in a typed error with one of `codes`, and leave the store unchanged.
 * Those the store accepts by design are not here: it refuses, or the case fails.
 */
export function hostileCases(): HostileCase[] {
  const ids: HostileCase[] = BAD_IDS.flatMap(([label, bad]) => [
    { name: `id ${label}: get`, codes: ["INVALID_ID"], attempt: (w) => w.store.get(bad) },
    { name: `id ${label}: tag`, codes: ["INVALID_ID"], attempt: (w) => w.store.tag(bad, { add: ["x"] }) },
    { name: `id ${label}: delete`, codes: ["INVALID_ID"], attempt: (w) => w.store.delete(bad) },
  ]);
  return [
    ...ids,
    {
      name: "symlink report folder pointing out of the root: get",
      codes: ["INVALID_PATH"],
      arrange: (w) => fs.symlinkSync(w.outside, nodePath.join(w.root, "by_id", w.spare)),
      attempt: (w) => w.store.get(w.spare),
    },
    {
      name: "symlink report folder pointing out of the root: tag",
      codes: ["INVALID_PATH"],
      arrange: (w) => fs.symlinkSync(w.outside, nodePath.join(w.root, "by_id", w.spare)),
      attempt: (w) => w.store.tag(w.spare, { add: ["x"] }),
    },
    {
      name: "symlink outline.json pointing out of the root: tag",
      codes: ["INVALID_PATH"],
      arrange: (w) => {
        fs.rmSync(reportFile(w, "outline.json"));
        fs.symlinkSync(nodePath.join(w.outside, "outline.json"), reportFile(w, "outline.json"));
      },
      attempt: (w) => w.store.tag(w.id, { add: ["x"] }),
    },
    {
      name: "symlink audit.jsonl pointing out of the root: tag",
      codes: ["INVALID_PATH"],
      arrange: (w) => {
        fs.rmSync(reportFile(w, "audit.jsonl"));
        fs.symlinkSync(nodePath.join(w.outside, "secret.txt"), reportFile(w, "audit.jsonl"));
      },
      attempt: (w) => w.store.tag(w.id, { add: ["x"] }),
    },
    {
      name: "50 MB outline on input",
      codes: ["TOO_LARGE"],
      attempt: async (w) => {
        const o = await w.store.get(w.id);
        return w.store.update({ ...o, metadata: { ...o.metadata, blob: "x".repeat(50 * 1024 * 1024) } });
      },
    },
    {
      name: "50 MB outline.json on disk: get",
      codes: ["TOO_LARGE"],
      arrange: (w) =>
        fs.writeFileSync(reportFile(w, "outline.json"), outlineText(w, { pad: "x".repeat(50 << 20) })),
      attempt: (w) => w.store.get(w.id),
    },
    {
      name: "metadata nested 100000 deep on input",
      codes: ["TOO_DEEP"],
      attempt: async (w) => {
        let deep: unknown = [];
        for (let i = 0; i < 100_000; i++) deep = [deep];
        const o = await w.store.get(w.id);
        return w.store.update({ ...o, metadata: { ...o.metadata, deep } });
      },
    },
    {
      name: "outline.json nested 1000000 deep on disk: get",
      codes: ["TOO_DEEP"],
      arrange: (w) =>
        fs.writeFileSync(
          reportFile(w, "outline.json"),
          outlineText(w).replace(/}$/, `,"deep":${nested(1_000_000)}}`),
        ),
      attempt: (w) => w.store.get(w.id),
    },
    {
      name: "invalid UTF-8 in outline.json: get",
      codes: ["CORRUPT_FILE"],
      arrange: (w) => {
        const bytes = Buffer.from(outlineText(w).replace(/"title": "/, '"title": "\u0001'));
        bytes[bytes.indexOf(1)] = 0xff;
        fs.writeFileSync(reportFile(w, "outline.json"), bytes);
      },
      attempt: (w) => w.store.get(w.id),
    },
    {
      name: "invalid UTF-8 in the middle of audit.jsonl: tag",
      codes: ["CORRUPT_LOG"],
      arrange: (w) =>
        fs.appendFileSync(reportFile(w, "audit.jsonl"), Buffer.from([0xff, 0xfe, 0x0a, 0x7b, 0x7d, 0x0a])),
      attempt: (w) => w.store.tag(w.id, { add: ["x"] }),
    },
    {
      name: "audit.jsonl edited by hand into nonsense: tag",
      codes: ["CORRUPT_LOG"],
      arrange: (w) => fs.writeFileSync(reportFile(w, "audit.jsonl"), "this is not\na log at all\n"),
      attempt: (w) => w.store.tag(w.id, { add: ["x"] }),
    },
    {
      name: "a file where the report folder should be: get",
      codes: ["WRONG_KIND", "NOT_FOUND"],
      arrange: (w) => fs.writeFileSync(nodePath.join(w.root, "by_id", w.spare), "not a folder"),
      attempt: (w) => w.store.get(w.spare),
    },
    {
      name: "a file where backups/ should be: tag",
      codes: ["WRONG_KIND"],
      arrange: (w) => {
        fs.rmSync(reportFile(w, "backups"), { recursive: true });
        fs.writeFileSync(reportFile(w, "backups"), "not a folder");
      },
      attempt: (w) => w.store.tag(w.id, { add: ["x"] }),
    },
    {
      name: "disk full (ENOSPC injected on every write): tag",
      codes: ["NO_SPACE"],
      attempt: async (w) => {
        const s = await w.open((b) => injectFaults(b, [{ op: "write", error: "ENOSPC", times: "always" }]));
        try {
          return await s.tag(w.id, { add: ["x"] });
        } finally {
          await s.close().catch(() => undefined);
        }
      },
    },
    {
      name: "read-only files (EACCES injected on open for writing): tag",
      codes: ["PERMISSION_DENIED"],
      attempt: async (w) => {
        const s = await w.open((b) =>
          injectFaults(b, [{ op: "open", path: "by_id/**", error: "EACCES", times: "always" }]),
        );
        try {
          return await s.tag(w.id, { add: ["x"] });
        } finally {
          await s.close().catch(() => undefined);
        }
      },
    },
  ];
}
