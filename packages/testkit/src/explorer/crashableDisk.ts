import type { Clock, StorageBackend } from "@living-reports/core";

/**
 * One volatile change of a {@link CrashableDisk}, as the explorer needs to see it: data changes
 * (`write`, `truncate`) belong to a file `inode`; entry changes (`create`, `mkdir`, `link`,
 * `unlink`, `rmdir`, `rename`, `renameOut`, `renameIn`) to a directory `dir`. The memfs
 * package's `PendingChange` has this shape.
 */
export interface CrashChange {
  readonly id: number;
  readonly kind: string;
  /** The path the change was made through (for failure reports). */
  readonly path: string;
  readonly inode?: number | null;
  readonly dir?: number;
  /** A write's bytes. */
  readonly data?: Uint8Array;
  /** A write's file offset (tears fall on sector boundaries of the file). */
  readonly offset?: number;
}

/**
 * What a torn write leaves past its cut: `cut` (default) nothing, the bytes there stay as they
 * were (a shorter file when the write extended it); `zeros` or `garbage` the whole range is
 * written, zeros or seeded pseudo-random bytes past the cut (a file extended before its data
 * reached the platter, a sector half written), as real disks leave (ALICE, SQLite's crash VFS).
 */
export type TornFill = "cut" | "zeros" | "garbage";

/** The fills of {@link TornFill}, in the order the explorer tries them. */
export const TORN_FILLS: readonly TornFill[] = ["cut", "zeros", "garbage"];

/**
 * The fills the explorer uses unless told: all of {@link TORN_FILLS}. Ask for fewer with
 * `tears: { fills }` (e.g. `["cut"]` for a file system that never exposes unwritten blocks).
 */
export const DEFAULT_TORN_FILLS: readonly TornFill[] = TORN_FILLS;

/** Tear kept write `id` after its first `bytes` bytes; `fill` says what lands past them. */
export interface CrashTearSpec {
  readonly id: number;
  readonly bytes: number;
  /** Default `cut`. */
  readonly fill?: TornFill;
}

/** One explicit crash state: the pending changes kept (by id) and the kept writes torn. */
export interface CrashSelectionSpec {
  readonly keep: ReadonlySet<number>;
  readonly tear?: readonly CrashTearSpec[];
}

/**
 * A disk with a durability model that can be crashed on purpose. `MemfsDisk` from
 * `@living-reports/memfs` satisfies it structurally (testkit does not depend on memfs: memfs
 * devDepends on testkit).
 */
export interface CrashableDisk<TSnapshot = unknown> {
  /** A new backend instance over this disk (a new "process"). */
  backend(): StorageBackend;
  /** The volatile changes, in issue order. */
  pendingChanges(): readonly CrashChange[];
  /** A new disk holding the durable image plus exactly the kept changes; this disk is unchanged. */
  crashWith(selection: CrashSelectionSpec): CrashableDisk<TSnapshot>;
  /**
   * Optional: a digest of the files `crashWith(selection)` would leave, cheaper than making that
   * disk. Equal digests must mean equal files (paths, kinds, bytes), as {@link toJSON} would
   * show them. When present, the explorer skips a state already judged without materialising it.
   */
  crashDigest?(selection: CrashSelectionSpec): string;
  /**
   * Optional: the files `crashWith(selection)` would leave, as {@link toJSON} lists them (any
   * lossless decoding of the bytes), cheaper than making that disk. The explorer reads them to
   * tell whether a state is new up to names drawn at random.
   */
  crashFiles?(selection: CrashSelectionSpec): Record<string, string | null>;
  /** An immutable copy of the whole disk state. */
  snapshot(): TSnapshot;
  /** The live files: path → UTF-8 content, `null` for a directory. */
  toJSON(): Record<string, string | null>;
}

/**
 * How the explorer makes disks and clocks. For memfs: `memfsDisks` from `@living-reports/memfs`.
 */
export interface DiskModel<TSnapshot> {
  /** An empty disk whose locks and mtimes run on `clock`. */
  create(clock: Clock): CrashableDisk<TSnapshot>;
  /** A disk in exactly the state of `snapshot`, its locks running on `clock`. */
  fromSnapshot(snapshot: TSnapshot, clock: Clock): CrashableDisk<TSnapshot>;
  /**
   * A clock standing at `startMs` that moves only when told (a virtual clock). The explorer
   * checks crash states on a clock set well past the recording, so a crashed writer's locks are
   * already stale and recovery needs no waiting.
   */
  clock(startMs: number): Clock;
}

/** A crash state copied onto another backend (e.g. a temporary directory for node-fs). */
export interface MaterializedState {
  readonly backend: StorageBackend;
  /** The clock that backend's locks run on (default: the explorer's check clock). */
  readonly clock?: Clock;
  /** Removes what the materialisation made. */
  cleanup(): Promise<void>;
}

/** Copies a crashed disk onto another backend; see {@link MaterializedState}. */
export type Materializer = (crashed: CrashableDisk) => Promise<MaterializedState>;
