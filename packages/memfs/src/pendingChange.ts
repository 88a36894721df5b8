/**
 * The volatile changes of the durability model (docs/CRASH-MODEL.md): everything a backend did that a crash
 * may still lose. Ids are unique per disk and rise in issue order.
 */

/** A write of `data` at `offset` into one inode (appends are writes at the size they found). */
export interface WriteChange {
  readonly id: number;
  readonly kind: "write";
  /** The path the handle was opened with (for diagnostics; the inode is what matters). */
  readonly path: string;
  readonly inode: number;
  readonly offset: number;
  readonly data: Uint8Array;
}

/** A truncate (or the truncation of an `open(path, "w")`) of one inode to `length` bytes. */
export interface TruncateChange {
  readonly id: number;
  readonly kind: "truncate";
  readonly path: string;
  readonly inode: number;
  readonly length: number;
}

/** A change to a file's data: durable at `sync`/`datasync` of that file. */
export type DataChange = WriteChange | TruncateChange;

/**
 * What a directory-entry change came from. A rename within one directory is one `rename`
 * change; across directories it is a `renameOut` in the source and a `renameIn` in the target.
 */
export type EntryChangeKind =
  | "create"
  | "mkdir"
  | "link"
  | "unlink"
  | "rmdir"
  | "rename"
  | "renameOut"
  | "renameIn";

/**
 * One change to the entries of directory `dir`: `name` now names `inode` (or nothing when
 * `inode` is null); a same-directory `rename` also removes `from` in the same atomic step.
 * Durable at `syncDir` of that directory.
 */
export interface EntryChange {
  readonly id: number;
  readonly kind: EntryChangeKind;
  /** The root-relative path of `name` when the change was made. */
  readonly path: string;
  readonly dir: number;
  readonly name: string;
  readonly inode: number | null;
  /** For a same-directory `rename`: the old name, removed together with setting `name`. */
  readonly from?: string;
}

/** Any volatile change. */
export type PendingChange = DataChange | EntryChange;

/** Cut a kept write change to its first `bytes` bytes (a torn write). */
export interface CrashTear {
  readonly id: number;
  /** The bytes of the write that land as written. */
  readonly bytes: number;
  /**
   * What lands past them: `cut` (default) nothing; `zeros` or `garbage` the rest of the write's
   * range, as zeros or as seeded pseudo-random bytes (the same for the same change and cut).
   */
  readonly fill?: "cut" | "zeros" | "garbage";
}

/**
 * An explicit crash state: which pending changes survive (`keep`, by id) and which kept writes
 * are torn. A tear of a change that is not kept, or that is not a write, is ignored. Nothing else
 * is validated: the caller (the crash explorer) decides what a mode allows.
 */
export interface CrashSelection {
  readonly keep: ReadonlySet<number>;
  readonly tear?: CrashTear | readonly CrashTear[];
}

/** True for a change to file data (as opposed to a directory entry). */
export function isDataChange(change: PendingChange): change is DataChange {
  return change.kind === "write" || change.kind === "truncate";
}
