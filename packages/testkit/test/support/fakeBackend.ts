import {
  type BackendCapabilities,
  type Clock,
  dirname,
  ErrorCode,
  type FileHandle,
  type FileStat,
  fromSystemError,
  LivingReportsError,
  type LockPrimitive,
  normalizePath,
  type OpenMode,
  type StorageBackend,
  systemClock,
} from "@living-reports/core";

/**
 * A small in-memory StorageBackend for the testkit's own tests: the StorageBackend contract
 * without any durability model (everything is "durable" at once, nothing survives the process),
 * so the recorder and the conformance areas can be tested without the real backends.
 */

interface FileNode {
  kind: "file";
  data: Uint8Array;
  mtimeMs: number;
  readonly ino: number;
}
interface DirNode {
  kind: "directory";
  mtimeMs: number;
  readonly ino: number;
}
type Node = FileNode | DirNode;

/** The shared state of every {@link FakeBackend} over one "disk". */
export class FakeDisk {
  readonly id = `fake:${Math.random().toString(16).slice(2)}`;
  readonly nodes = new Map<string, Node>([["", { kind: "directory", mtimeMs: Date.now(), ino: 1 }]]);
  private ino = 1;
  nextIno(): number {
    this.ino += 1;
    return this.ino;
  }
}

function sysError(code: string, path: string, op: string): LivingReportsError {
  return fromSystemError(Object.assign(new Error(`${code}: ${op} ${path}`), { code }), path, op);
}

/** The fake lock manager: remembers which backend it was built on; it cannot lock. */
export class RecordingLockPrimitive implements LockPrimitive {
  constructor(readonly on: StorageBackend) {}
  tryAcquire(path: string): never {
    throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, "the fake backend has no locks", { path });
  }
  inspect(path: string): never {
    throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, "the fake backend has no locks", { path });
  }
  remove(path: string): never {
    throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, "the fake backend has no locks", { path });
  }
}

/** See the module comment. `capabilities` can be overridden to test capability-dependent paths. */
export class FakeBackend implements StorageBackend {
  readonly capabilities: BackendCapabilities;
  constructor(
    readonly disk: FakeDisk = new FakeDisk(),
    capabilities: Partial<BackendCapabilities> = {},
  ) {
    this.capabilities = {
      name: "fake",
      hardLinks: true,
      directorySync: true,
      durability: "none",
      ...capabilities,
    };
  }
  get storageId(): string {
    return this.disk.id;
  }

  /** Resolves a path to its node (undefined when absent), checking that its parent is a directory. */
  private lookup(path: string, op: string): Node | undefined {
    const checked = normalizePath(path);
    if (checked === "") return this.disk.nodes.get("");
    let ancestor = dirname(checked);
    const parent = this.disk.nodes.get(ancestor);
    if (parent?.kind === "directory") return this.disk.nodes.get(checked);
    // As POSIX does: ENOTDIR when some ancestor is a file, else ENOENT.
    for (;;) {
      if (this.disk.nodes.get(ancestor)?.kind === "file") throw sysError("ENOTDIR", path, op);
      if (ancestor === "") throw sysError("ENOENT", path, op);
      ancestor = dirname(ancestor);
    }
  }
  private existing(path: string, op: string): Node {
    const node = this.lookup(path, op);
    if (node === undefined) throw sysError("ENOENT", path, op);
    return node;
  }
  private file(path: string, op: string): FileNode {
    const node = this.existing(path, op);
    if (node.kind !== "file") throw sysError("EISDIR", path, op);
    return node;
  }
  private dir(path: string, op: string): DirNode {
    const node = this.existing(path, op);
    if (node.kind !== "directory") throw sysError("ENOTDIR", path, op);
    return node;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    let node = this.lookup(path, "open");
    if (node !== undefined && mode === "wx") throw sysError("EEXIST", path, "open");
    if (node === undefined) {
      if (mode === "r" || mode === "r+") throw sysError("ENOENT", path, "open");
      node = { kind: "file", data: new Uint8Array(0), mtimeMs: Date.now(), ino: this.disk.nextIno() };
      this.disk.nodes.set(normalizePath(path), node);
    }
    if (node.kind !== "file") throw sysError("EISDIR", path, "open");
    if (mode === "w") node.data = new Uint8Array(0);
    return new FakeHandle(normalizePath(path), node, mode);
  }
  async readFile(path: string): Promise<Uint8Array> {
    return this.file(path, "readFile").data.slice();
  }
  async syncDir(path: string): Promise<void> {
    this.dir(path, "open");
  }
  async rename(from: string, to: string): Promise<void> {
    normalizePath(to);
    const node = this.existing(from, "rename");
    const target = this.lookup(to, "rename");
    if (target !== undefined && target.kind !== node.kind) throw sysError("EISDIR", to, "rename");
    if (normalizePath(to).startsWith(`${normalizePath(from)}/`)) throw sysError("EINVAL", to, "rename");
    for (const [key, value] of [...this.disk.nodes]) {
      if (key === normalizePath(from) || key.startsWith(`${normalizePath(from)}/`)) {
        this.disk.nodes.delete(key);
        this.disk.nodes.set(normalizePath(to) + key.slice(normalizePath(from).length), value);
      }
    }
  }
  async link(existing: string, to: string): Promise<void> {
    normalizePath(to);
    const node = this.file(existing, "link");
    if (this.lookup(to, "link") !== undefined) throw sysError("EEXIST", to, "link");
    this.disk.nodes.set(normalizePath(to), node);
  }
  async unlink(path: string): Promise<void> {
    if (this.existing(path, "unlink").kind !== "file") throw sysError("EISDIR", path, "unlink");
    this.disk.nodes.delete(normalizePath(path));
  }
  async mkdir(path: string): Promise<void> {
    if (this.lookup(path, "mkdir") !== undefined) throw sysError("EEXIST", path, "mkdir");
    this.disk.nodes.set(normalizePath(path), {
      kind: "directory",
      mtimeMs: Date.now(),
      ino: this.disk.nextIno(),
    });
  }
  async rmdir(path: string): Promise<void> {
    this.dir(path, "rmdir");
    if ((await this.readdir(path)).length > 0) throw sysError("ENOTEMPTY", path, "rmdir");
    this.disk.nodes.delete(normalizePath(path));
  }
  async readdir(path: string): Promise<string[]> {
    this.dir(path, "readdir");
    const dir = normalizePath(path);
    const names = [...this.disk.nodes.keys()].filter((key) => key !== "" && dirname(key) === dir);
    return names.map((key) => (dir === "" ? key : key.slice(dir.length + 1))).sort();
  }
  async stat(path: string): Promise<FileStat> {
    return statOf(this.existing(path, "lstat"));
  }
  async utimes(path: string, mtimeMs: number): Promise<void> {
    this.existing(path, "utimes").mtimeMs = mtimeMs;
  }
  readonly clock: Clock = systemClock;
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return new RecordingLockPrimitive(on);
  }
}

function statOf(node: Node): FileStat {
  return {
    kind: node.kind,
    size: node.kind === "file" ? node.data.length : 0,
    mtimeMs: node.mtimeMs,
    ino: node.ino,
  };
}

class FakeHandle implements FileHandle {
  private offset = 0;
  constructor(
    readonly path: string,
    private readonly node: FileNode,
    private readonly mode: OpenMode,
  ) {}
  async read(length: number, position: number): Promise<Uint8Array> {
    // As POSIX: w, wx and a open write-only.
    if (this.mode !== "r" && this.mode !== "r+") throw sysError("EBADF", this.path, "read");
    return this.node.data.slice(position, position + length);
  }
  async write(data: Uint8Array, position?: number): Promise<number> {
    if (this.mode === "r") throw sysError("EBADF", this.path, "write");
    const at = this.mode === "a" ? this.node.data.length : (position ?? this.offset);
    const end = Math.max(this.node.data.length, at + data.length);
    const grown = new Uint8Array(end);
    grown.set(this.node.data);
    grown.set(data, at);
    this.node.data = grown;
    this.node.mtimeMs = Date.now();
    if (position === undefined) this.offset = at + data.length;
    return data.length;
  }
  async sync(): Promise<void> {}
  async datasync(): Promise<void> {}
  async truncate(length: number): Promise<void> {
    const cut = new Uint8Array(length);
    cut.set(this.node.data.subarray(0, length));
    this.node.data = cut;
  }
  async stat(): Promise<FileStat> {
    return statOf(this.node);
  }
  async close(): Promise<void> {}
}
