import type { DataChange, EntryChange } from "./pendingChange.js";
import { mulberry32 } from "./prng.js";

/** A file inode of a {@link DiskImage}. Its bytes are never mutated once in an image. */
export interface ImageFile {
  readonly kind: "file";
  readonly data: Uint8Array;
}

/** A directory inode of a {@link DiskImage}: name → inode id. Never mutated once in an image. */
export interface ImageDir {
  readonly kind: "dir";
  readonly entries: ReadonlyMap<string, number>;
}

/** One inode of a {@link DiskImage}. */
export type ImageNode = ImageFile | ImageDir;

/**
 * A whole filesystem as inodes: what the durable side of the model holds, and what a crash
 * materialises. Nodes unreachable from `root` may be present; they are simply not on disk.
 * Images share their (immutable) nodes, so copying one is a shallow map copy.
 */
export interface DiskImage {
  readonly root: number;
  readonly nodes: ReadonlyMap<number, ImageNode>;
}

/**
 * A data change to apply, optionally torn: only its first `cut` bytes land as written, and past
 * them nothing (`fill` absent or `cut`), zeros, or garbage (see `CrashTear`).
 */
export interface AppliedDataChange {
  readonly change: DataChange;
  readonly cut?: number;
  readonly fill?: "cut" | "zeros" | "garbage";
}

/**
 * Applies data changes in order to a copy of `base` and returns the new contents (`base` is not
 * touched). A write past the end leaves a zero-filled gap, like a sparse write on a real disk.
 */
export function applyDataChanges(base: Uint8Array, changes: readonly AppliedDataChange[]): Uint8Array {
  let size = base.length;
  let buf = new Uint8Array(Math.max(16, size * 2));
  buf.set(base);
  // Invariant: bytes at and beyond `size` are zero, so growing never exposes stale data.
  const ensure = (capacity: number): void => {
    if (capacity <= buf.length) return;
    const next = new Uint8Array(Math.max(capacity, buf.length * 2));
    next.set(buf.subarray(0, size));
    buf = next;
  };
  for (const { change, cut, fill } of changes) {
    if (change.kind === "truncate") {
      if (change.length < size) buf.fill(0, change.length, size);
      else ensure(change.length);
      size = change.length;
      continue;
    }
    const bytes = tornBytes(change.id, change.data, cut, fill);
    const end = change.offset + bytes.length;
    ensure(end);
    buf.set(bytes, change.offset);
    if (end > size) size = end;
  }
  return buf.slice(0, size);
}

/** What of a write lands when it is torn after `cut` bytes with `fill` (see `CrashTear`). */
function tornBytes(
  id: number,
  data: Uint8Array,
  cut: number | undefined,
  fill: AppliedDataChange["fill"],
): Uint8Array {
  if (cut === undefined) return data;
  const at = Math.min(data.length, Math.max(0, cut));
  if (fill === undefined || fill === "cut") return data.subarray(0, at);
  const out = data.slice();
  if (fill === "zeros") out.fill(0, at);
  else {
    const rand = mulberry32(id * 65_537 + at);
    for (let i = at; i < out.length; i++) out[i] = Math.floor(rand() * 256);
  }
  return out;
}

/** Applies one entry change to a mutable copy of a directory's entries. */
export function applyEntryChange(entries: Map<string, number>, change: EntryChange): void {
  if (change.from !== undefined) entries.delete(change.from);
  if (change.inode === null) entries.delete(change.name);
  else entries.set(change.name, change.inode);
}
