import { ErrorCode, LivingReportsError } from "@living-reports/core";
import {
  type AppliedDataChange,
  applyDataChanges,
  applyEntryChange,
  type DiskImage,
  type ImageNode,
} from "./diskImage.js";
import {
  type CrashSelection,
  type CrashTear,
  type DataChange,
  type EntryChange,
  isDataChange,
  type PendingChange,
} from "./pendingChange.js";

/** An entry change as recorded, before it gets its id. */
export type EntryChangeInput = Omit<EntryChange, "id">;

/** Everything the model holds, as a plain value (for snapshots). */
export interface DurabilityModelState {
  readonly durable: DiskImage;
  readonly pending: readonly PendingChange[];
  readonly nextChangeId: number;
}

/**
 * The durability model (docs/CRASH-MODEL.md): the durable image (what a power loss cannot take) and the
 * volatile changes in issue order, each one made durable by the sync that docs/CRASH-MODEL.md names:
 * file data at `syncData(inode)`, directory entries at `syncDir(dir)`.
 *
 * The model never looks at the live volume: the live filesystem is its durable image with every
 * pending change applied, and a crash is the durable image with a chosen subset applied.
 */
export class DurabilityModel {
  readonly #root: number;
  readonly #nodes: Map<number, ImageNode>;
  readonly #pending = new Map<number, PendingChange>();
  readonly #byInode = new Map<number, number[]>();
  readonly #byDir = new Map<number, number[]>();
  #nextChangeId: number;
  #collectAbove: number;

  /** A model whose durable image is `durable` (a copy is kept) plus the given pending changes. */
  constructor(state: DurabilityModelState) {
    this.#root = state.durable.root;
    this.#nodes = new Map(state.durable.nodes);
    this.#nextChangeId = state.nextChangeId;
    for (const change of state.pending) this.#enqueue(change);
    this.#collectAbove = this.#nodes.size * 2 + 64;
  }

  /** The inode id of the root directory. */
  get root(): number {
    return this.#root;
  }

  /** Registers a new inode with its durable content: empty, as a fresh inode is on disk. */
  addNode(id: number, kind: "file" | "dir"): void {
    this.#nodes.set(id, kind === "file" ? { kind, data: new Uint8Array(0) } : { kind, entries: new Map() });
  }

  /** Records a write; `data` is copied, so the caller may reuse its buffer. */
  recordWrite(inode: number, path: string, offset: number, data: Uint8Array): void {
    this.#enqueue({ id: this.#nextChangeId++, kind: "write", path, inode, offset, data: data.slice() });
  }

  /** Records a truncate to `length` bytes. */
  recordTruncate(inode: number, path: string, length: number): void {
    this.#enqueue({ id: this.#nextChangeId++, kind: "truncate", path, inode, length });
  }

  /** Records a directory-entry change. */
  recordEntry(change: EntryChangeInput): void {
    this.#enqueue({ ...change, id: this.#nextChangeId++ });
  }

  /** fsync/fdatasync of a file: its pending data changes become durable, in order. */
  syncData(inode: number): void {
    const ids = this.#byInode.get(inode);
    if (ids === undefined) return;
    this.#byInode.delete(inode);
    const changes = ids.map((id) => ({ change: this.#take(id) as DataChange }));
    const base = this.#nodes.get(inode);
    const data = base?.kind === "file" ? base.data : new Uint8Array(0);
    this.#nodes.set(inode, { kind: "file", data: applyDataChanges(data, changes) });
  }

  /**
   * A failed fsync of a file as Linux handles one: its pending data changes are dropped from the
   * model (the kernel marks the dirty pages clean without writing them), so no crash keeps them
   * and no later sync makes them durable, though the live file still shows them until a crash.
   */
  dropData(inode: number): void {
    const ids = this.#byInode.get(inode);
    if (ids === undefined) return;
    this.#byInode.delete(inode);
    for (const id of ids) this.#take(id);
  }

  /** fsync of a directory: its pending entry changes become durable, in order. */
  syncDir(dir: number): void {
    const ids = this.#byDir.get(dir);
    if (ids === undefined) return;
    this.#byDir.delete(dir);
    const base = this.#nodes.get(dir);
    const entries = new Map(base?.kind === "dir" ? base.entries : undefined);
    for (const id of ids) applyEntryChange(entries, this.#take(id) as EntryChange);
    this.#nodes.set(dir, { kind: "dir", entries });
  }

  /** The volatile changes in issue order. */
  pendingChanges(): PendingChange[] {
    return [...this.#pending.values()];
  }

  /**
   * The image a crash leaves when exactly `selection.keep` of the pending changes survive
   * (each applied in issue order, torn writes cut). Unreachable nodes are left in.
   */
  materialize(selection: CrashSelection): DiskImage {
    const tears = tearMap(selection.tear);
    const nodes = new Map(this.#nodes);
    const data = new Map<number, AppliedDataChange[]>();
    const dirs = new Map<number, Map<string, number>>();
    for (const change of this.#pending.values()) {
      if (!selection.keep.has(change.id)) continue;
      if (isDataChange(change)) {
        const tear = change.kind === "write" ? tears.get(change.id) : undefined;
        const list = data.get(change.inode) ?? [];
        list.push(
          tear === undefined
            ? { change }
            : { change, cut: tear.bytes, ...(tear.fill === undefined ? {} : { fill: tear.fill }) },
        );
        data.set(change.inode, list);
        continue;
      }
      let entries = dirs.get(change.dir);
      if (entries === undefined) {
        const base = nodes.get(change.dir);
        entries = new Map(base?.kind === "dir" ? base.entries : undefined);
        dirs.set(change.dir, entries);
      }
      applyEntryChange(entries, change);
    }
    for (const [inode, changes] of data) {
      const base = nodes.get(inode);
      const bytes = base?.kind === "file" ? base.data : new Uint8Array(0);
      nodes.set(inode, { kind: "file", data: applyDataChanges(bytes, changes) });
    }
    for (const [dir, entries] of dirs) nodes.set(dir, { kind: "dir", entries });
    return { root: this.#root, nodes };
  }

  /** An immutable copy of the model's state (the nodes themselves are shared, never mutated). */
  state(): DurabilityModelState {
    return Object.freeze({
      durable: Object.freeze({ root: this.#root, nodes: new Map(this.#nodes) }),
      pending: Object.freeze([...this.#pending.values()]),
      nextChangeId: this.#nextChangeId,
    });
  }

  /**
   * Forgets inodes that no crash can ever bring back, once the node count has doubled since the
   * last collection. Kept: everything reachable in the durable image from the root, from a
   * directory or inode named by a pending entry change, or from `open` (inodes held by open
   * handles, which may still be written and synced). A live file is always among these: its
   * entry is either durable in a kept directory or pending. Pending data changes of a forgotten
   * inode go with it.
   *
   * @returns the inode ids kept, when a collection ran
   */
  maybeCollect(open: Iterable<number>): ReadonlySet<number> | undefined {
    if (this.#nodes.size <= this.#collectAbove) return undefined;
    const marked = new Set<number>();
    const stack = [this.#root, ...open];
    for (const change of this.#pending.values()) {
      if (isDataChange(change)) continue;
      stack.push(change.dir);
      if (change.inode !== null) stack.push(change.inode);
    }
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (marked.has(id)) continue;
      marked.add(id);
      const node = this.#nodes.get(id);
      if (node?.kind === "dir") for (const child of node.entries.values()) stack.push(child);
    }
    for (const id of [...this.#nodes.keys()]) if (!marked.has(id)) this.#nodes.delete(id);
    for (const [inode, ids] of [...this.#byInode]) {
      if (marked.has(inode)) continue;
      for (const id of ids) this.#pending.delete(id);
      this.#byInode.delete(inode);
    }
    this.#collectAbove = this.#nodes.size * 2 + 64;
    return marked;
  }

  #enqueue(change: PendingChange): void {
    this.#pending.set(change.id, change);
    const index = isDataChange(change) ? this.#byInode : this.#byDir;
    const key = isDataChange(change) ? change.inode : change.dir;
    const ids = index.get(key);
    if (ids === undefined) index.set(key, [change.id]);
    else ids.push(change.id);
  }

  #take(id: number): PendingChange {
    const change = this.#pending.get(id);
    if (change === undefined) {
      // Only reachable through a bug in the index bookkeeping above: fail loudly, never guess.
      throw new LivingReportsError(ErrorCode.STORAGE_FAILURE, `memfs durability model lost change ${id}`);
    }
    this.#pending.delete(id);
    return change;
  }
}

function tearMap(tear: CrashSelection["tear"]): Map<number, CrashTear> {
  const list: readonly CrashTear[] = tear === undefined ? [] : "id" in tear ? [tear] : tear;
  return new Map(list.map((t) => [t.id, t]));
}
