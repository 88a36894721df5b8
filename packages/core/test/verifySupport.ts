/**
 * Test support for the verify tests: a small in-memory backend that implements only the read
 * primitives and records every call, so that a test can prove verify never writes, creates,
 * renames or locks anything (any mutating call throws and is recorded), plus helpers to load a
 * host directory into it and to build stores the way the library writes them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type Clock,
  EMPTY_SHA256,
  ErrorCode,
  encodeAuditLine,
  type FileHandle,
  type FileStat,
  type IndexEntry,
  LivingReportsError,
  type LockPrimitive,
  normalizePath,
  type Outline,
  type StorageBackend,
  serializeOutline,
  sha256Hex,
  systemClock,
} from "../src/index.js";

interface Node {
  kind: "file" | "directory";
  data: Uint8Array;
  mtimeMs: number;
  ino: number;
}

const encoder = new TextEncoder();

/** A read-only in-memory backend; `put`/`remove` are the test's own way to shape the tree. */
export class ReadOnlyMemoryBackend implements StorageBackend {
  readonly capabilities = {
    name: "verify-fake",
    hardLinks: false,
    directorySync: true,
    durability: "none",
  } as const;
  readonly storageId = "verify-fake";
  /** Every call verify made, as `op path`. */
  readonly calls: string[] = [];
  readonly #nodes = new Map<string, Node>([
    ["", { kind: "directory", data: new Uint8Array(), mtimeMs: 0, ino: 1 }],
  ]);
  #nextIno = 2;

  /** Writes a file (creating parent directories) outside of verify's view. */
  put(path: string, data: Uint8Array | string, mtimeMs = Date.now()): void {
    const p = normalizePath(path);
    this.mkdirs(p.slice(0, Math.max(0, p.lastIndexOf("/"))), mtimeMs);
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    this.#nodes.set(p, { kind: "file", data: bytes, mtimeMs, ino: this.#nextIno++ });
  }

  /** Creates a directory and its parents. */
  mkdirs(path: string, mtimeMs = Date.now()): void {
    if (path === "") return;
    const parts = normalizePath(path).split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!this.#nodes.has(p))
        this.#nodes.set(p, { kind: "directory", data: new Uint8Array(), mtimeMs, ino: this.#nextIno++ });
    }
  }

  /** Removes a path and everything under it. */
  remove(path: string): void {
    for (const key of [...this.#nodes.keys()])
      if (key === path || key.startsWith(`${path}/`)) this.#nodes.delete(key);
  }

  /** The bytes of a file, for tests that damage one. */
  get(path: string): Uint8Array {
    const node = this.#nodes.get(path);
    if (node?.kind !== "file") throw new Error(`no file ${path}`);
    return node.data;
  }

  /** A copy of every node (path → kind, bytes, mtime), for before/after comparisons. */
  snapshot(): Map<string, string> {
    return new Map(
      [...this.#nodes].map(([p, n]) => [
        p,
        `${n.kind}:${n.mtimeMs}:${Buffer.from(n.data).toString("base64")}`,
      ]),
    );
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.calls.push(`readFile ${path}`);
    const node = this.#lookup(path);
    if (node.kind !== "file")
      throw new LivingReportsError(ErrorCode.WRONG_KIND, `${path} is a directory`, { path });
    return node.data.slice();
  }

  async readdir(path: string): Promise<string[]> {
    this.calls.push(`readdir ${path}`);
    if (this.#lookup(path).kind !== "directory")
      throw new LivingReportsError(ErrorCode.WRONG_KIND, `${path} is a file`, { path });
    const prefix = path === "" ? "" : `${path}/`;
    return [...this.#nodes.keys()]
      .filter((k) => k !== path && k.startsWith(prefix) && !k.slice(prefix.length).includes("/"))
      .map((k) => k.slice(prefix.length))
      .sort();
  }

  async stat(path: string): Promise<FileStat> {
    this.calls.push(`stat ${path}`);
    const node = this.#lookup(path);
    return { kind: node.kind, size: node.data.length, mtimeMs: node.mtimeMs, ino: node.ino };
  }

  open(path: string): Promise<FileHandle> {
    return this.#refuse("open", path);
  }
  syncDir(path: string): Promise<void> {
    return this.#refuse("syncDir", path);
  }
  rename(from: string): Promise<void> {
    return this.#refuse("rename", from);
  }
  link(existing: string): Promise<void> {
    return this.#refuse("link", existing);
  }
  unlink(path: string): Promise<void> {
    return this.#refuse("unlink", path);
  }
  mkdir(path: string): Promise<void> {
    return this.#refuse("mkdir", path);
  }
  rmdir(path: string): Promise<void> {
    return this.#refuse("rmdir", path);
  }
  utimes(path: string): Promise<void> {
    return this.#refuse("utimes", path);
  }
  readonly clock: Clock = systemClock;
  lockPrimitive(): LockPrimitive {
    this.calls.push("lockPrimitive");
    throw new Error("verify must not take locks");
  }

  #lookup(path: string): Node {
    const node = this.#nodes.get(normalizePath(path));
    if (node === undefined)
      throw new LivingReportsError(ErrorCode.NOT_FOUND, `no such path ${path}`, { path });
    return node;
  }

  async #refuse(op: string, path: string): Promise<never> {
    this.calls.push(`${op} ${path}`);
    throw new Error(`verify must not call ${op} (${path})`);
  }
}

/** Copies a host directory tree into `backend` at `root`, keeping file bytes (mtimes are now). */
export function loadHostDir(backend: ReadOnlyMemoryBackend, hostDir: string, root = ""): void {
  for (const name of readdirSync(hostDir)) {
    const host = join(hostDir, name);
    const path = root === "" ? name : `${root}/${name}`;
    if (statSync(host).isDirectory()) {
      backend.mkdirs(path);
      loadHostDir(backend, host, path);
    } else {
      backend.put(path, readFileSync(host));
    }
  }
}

/** The legacy fixture stores copied into the repo (`test-fixtures/legacy-python/`). */
export const LEGACY_FIXTURES = join(import.meta.dirname, "..", "..", "..", "test-fixtures", "legacy-python");

/** A valid outline of report `id` (library style: `Z` timestamps). */
export function outlineOf(id: string, overrides: Partial<Outline> = {}): Outline {
  return {
    report_id: id,
    title: "Quarterly numbers",
    created_at: "2026-03-01T09:00:00.000Z",
    updated_at: "2026-03-01T09:00:00.000Z",
    version: "1.0",
    outline_version: 1,
    sections: [],
    insights: [],
    metadata: { tags: ["finance"], status: "active" },
    ...overrides,
  };
}

/** One committed change of a {@link LibraryReport}: an event and the outline it committed. */
export interface Commit {
  action_type: "create" | "evolve" | "rename" | "tag_update" | "archive" | "revert" | "status_change";
  outline: Outline;
  payload?: Record<string, unknown>;
  ts?: string;
}

let actionCounter = 0;

/** A fresh action id (a valid UUID, distinct per call). */
export function actionId(): string {
  actionCounter++;
  return `00000000-0000-4000-8000-${actionCounter.toString(16).padStart(12, "0")}`;
}

/**
 * Writes report `id` as the library would after `commits`: each commit after the first backs up
 * the outline before it (`backups/outline.json.<n>.bak`, named in its event), records its
 * `outline_version` and `outline_sha256` in a framed, chained audit line; `outline.json` is the
 * last commit's outline; and an index line describes it.
 */
export function writeLibraryReport(backend: ReadOnlyMemoryBackend, id: string, commits: Commit[]): void {
  const dir = `by_id/${id}`;
  backend.mkdirs(`${dir}/backups`);
  const records: Record<string, unknown>[] = [];
  let before: Uint8Array | null = null;
  commits.forEach((commit, i) => {
    const bytes = serializeOutline(commit.outline);
    const payload: Record<string, unknown> = {
      ...commit.payload,
      outline_version: commit.outline.outline_version,
    };
    if (before !== null) {
      const name = `outline.json.20260301T0900${String(i).padStart(2, "0")}_000000.bak`;
      backend.put(`${dir}/backups/${name}`, before);
      payload.backup_filename = name;
    }
    records.push({
      action_id: actionId(),
      report_id: id,
      ts: commit.ts ?? `2026-03-01T09:${String(i).padStart(2, "0")}:00.000Z`,
      actor: "agent",
      action_type: commit.action_type,
      request_id: null,
      payload,
      outline_sha256: sha256Hex(bytes),
    });
    before = bytes;
  });
  backend.put(`${dir}/audit.jsonl`, chainLines(records));
  backend.put(`${dir}/outline.json`, before ?? new Uint8Array());
  const last = commits.at(-1)!.outline;
  appendIndex(backend, {
    report_id: id,
    current_title: last.title,
    created_at: last.created_at,
    updated_at: last.updated_at,
    tags: (last.metadata.tags as string[] | undefined) ?? [],
    status: last.metadata.status === "archived" ? "archived" : "active",
    path: dir,
  });
}

/** The records of a report's framed audit log, without their integrity fields. */
export function auditRecords(backend: ReadOnlyMemoryBackend, id: string): Record<string, unknown>[] {
  const text = new TextDecoder().decode(backend.get(`by_id/${id}/audit.jsonl`));
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const { prev: _prev, sha256: _sha, ...record } = JSON.parse(line) as Record<string, unknown>;
      return record;
    });
}

/** Encodes records as a framed, chained audit log (as `AuditLog.append` writes them). */
export function chainLines(records: Record<string, unknown>[]): string {
  let prev = EMPTY_SHA256;
  let text = "";
  for (const record of records) {
    const line = encodeAuditLine(record, prev);
    text += line.text;
    prev = line.hash;
  }
  return text;
}

/** Appends one line to `index.jsonl`. */
export function appendIndex(
  backend: ReadOnlyMemoryBackend,
  entry: IndexEntry | Record<string, unknown>,
): void {
  let current = "";
  try {
    current = new TextDecoder().decode(backend.get("index.jsonl"));
  } catch {
    // No index yet: this line starts it.
  }
  backend.put("index.jsonl", `${current}${JSON.stringify(entry)}\n`);
}

/** A store root with a FORMAT marker and `by_id/`. */
export function newStore(): ReadOnlyMemoryBackend {
  const backend = new ReadOnlyMemoryBackend();
  backend.put("FORMAT", `${JSON.stringify({ format: "living-reports", version: 1 })}\n`);
  backend.mkdirs("by_id");
  return backend;
}
