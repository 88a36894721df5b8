import { randomUUID } from "node:crypto";
import {
  type Clock,
  CRASH_MODES,
  type CrashOptions,
  ErrorCode,
  LivingReportsError,
} from "@living-reports/core";
import type { Volume } from "memfs";
import { selectCrash, TORN_FILLS, type TornWrites } from "./crashSelection.js";
import type { DiskImage } from "./diskImage.js";
import { DurabilityModel, type DurabilityModelState } from "./durabilityModel.js";
import { imageFromFiles } from "./filesImage.js";
import { withFixedIds } from "./fixedIds.js";
import { imageDigest } from "./imageDigest.js";
import { imageFiles } from "./imageFiles.js";
import { LiveFs } from "./liveFs.js";
import { createMemfsBackend, type MemfsBackend } from "./memfsBackend.js";
import type { CrashSelection, PendingChange } from "./pendingChange.js";
import { VirtualClock } from "./virtualClock.js";
import { buildVolume, readVolume } from "./volumeImage.js";
import { volumePath } from "./volumePaths.js";

/** How to crash a memfs disk: the mode and seed, and for `torn` how writes tear. */
export interface MemfsCrashOptions extends CrashOptions, TornWrites {}

/** How to make a disk. */
export interface MemfsDiskOptions {
  /** The lock clock and the source of mtimes. Default: a new {@link VirtualClock}. */
  clock?: Clock;
  /** Files the disk starts with (root-relative path → content), all durable. */
  files?: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * An immutable copy of a whole disk: its live files, its durable image and its pending changes.
 * Open file handles are not part of it. Treat it as opaque; restore with
 * {@link MemfsDisk.fromSnapshot}.
 */
export interface MemfsDiskSnapshot {
  readonly live: DiskImage;
  readonly model: DurabilityModelState;
  readonly mtimes: ReadonlyMap<number, number>;
  readonly nextId: number;
  readonly clock: Clock;
}

/**
 * A simulated disk: one memfs volume (what every read sees), the durability model beside it
 * (what a power loss would leave, docs/CRASH-MODEL.md), and a clock for locks and mtimes. Backend instances
 * from {@link backend} share it like processes share a real disk.
 *
 * A crash never changes this disk: it returns a new one holding a crash state, and the old one
 * (with its backends) should then be discarded.
 */
export class MemfsDisk {
  /** Unique per disk; backends report `memfs:<id>` as their storageId. */
  readonly id: string = randomUUID();
  readonly clock: Clock;
  readonly #fs: LiveFs;

  private constructor(fs: LiveFs) {
    this.#fs = fs;
    this.clock = fs.clock;
  }

  /**
   * A new disk, empty or holding `options.files` (all durable).
   *
   * @throws LivingReportsError INVALID_PATH / INVALID_INPUT for unusable initial files
   */
  static create(options: MemfsDiskOptions = {}): MemfsDisk {
    const { image, nextId } = imageFromFiles(options.files ?? {});
    const clock = options.clock ?? new VirtualClock();
    const now = clock.now();
    return MemfsDisk.#fromImage(image, () => now, clock, nextId);
  }

  /** A new disk in exactly the state of `snapshot` (a new id, no open handles). */
  static fromSnapshot(snapshot: MemfsDiskSnapshot, options: { clock?: Clock } = {}): MemfsDisk {
    let nextId = snapshot.nextId;
    const built = buildVolume(
      snapshot.live,
      (id) => snapshot.mtimes.get(id),
      () => nextId++,
    );
    const fs = new LiveFs({
      volume: built.volume,
      inoToId: built.inoToId,
      model: new DurabilityModel(snapshot.model),
      mtimes: new Map(snapshot.mtimes),
      clock: options.clock ?? snapshot.clock,
      nextId,
    });
    return new MemfsDisk(fs);
  }

  /**
   * Removed: the raw memfs volume looked like `node:fs` but bypassed the durability model, so a
   * correct, fsynced save made through it "lost" its data at a crash. Throws, pointing to
   * `createFsFromDisk(disk)` (a `node:fs` through the model) and {@link unsafeVolume}.
   *
   * @deprecated use `createFsFromDisk(disk)`, or `unsafeVolume()` to plant what the backend cannot make
   * @throws LivingReportsError INVALID_INPUT always
   */
  get volume(): never {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      "disk.volume was removed: it bypasses the durability model, so nothing written through it survives a crash. " +
        "For a node:fs on this disk use createFsFromDisk(disk) from @living-reports/memfs; to plant what the " +
        "backend cannot make (a symlink), disk.unsafeVolume().",
    );
  }

  /**
   * The live memfs volume itself, for planting what the backend cannot make (symlinks) and for
   * inspection. Unsafe: changes made on it bypass the durability model (they are neither
   * recorded nor ever durable: a crash undoes them) and files it creates get model ids lazily.
   * For code that should run on this disk as on a real one, use `createFsFromDisk(disk)`.
   */
  unsafeVolume(): Volume {
    return this.#fs.volume;
  }

  /** A new backend instance over this disk (a new "process"). */
  backend(): MemfsBackend {
    return createMemfsBackend(this, this.#fs);
  }

  /** The volatile changes, in issue order (for the crash explorer). */
  pendingChanges(): PendingChange[] {
    return this.#fs.model.pendingChanges();
  }

  /**
   * Simulates a power loss: a new disk holding the durable image plus the pending changes that
   * `options.mode` (default `prefix`) keeps, chosen by `options.seed` (default 0). Same state and
   * options, same result. Everything on the new disk is durable; it shares this disk's clock.
   * In `torn` mode a write tears at a multiple of `options.sectorSize` bytes (default 1) and
   * leaves nothing, zeros or garbage past the tear (`options.fills`, default all three).
   *
   * @throws LivingReportsError INVALID_INPUT for an unknown mode, a sector size that is not a
   *   positive integer, or an unknown fill
   */
  crash(options: MemfsCrashOptions = {}): MemfsDisk {
    const mode = options.mode ?? "prefix";
    if (!CRASH_MODES.includes(mode)) {
      throw new LivingReportsError(ErrorCode.INVALID_INPUT, `unknown crash mode ${JSON.stringify(mode)}`);
    }
    const sector = options.sectorSize ?? 1;
    if (!(Number.isInteger(sector) && sector >= 1)) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `sectorSize must be an integer ≥ 1, got ${sector}`,
      );
    }
    const fills = options.fills ?? TORN_FILLS;
    if (fills.length === 0 || fills.some((f) => !TORN_FILLS.includes(f))) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `fills must be some of ${TORN_FILLS.join(", ")}, got ${JSON.stringify(fills)}`,
      );
    }
    return this.crashWith(
      selectCrash(this.pendingChanges(), mode, options.seed ?? 0, { sectorSize: sector, fills }),
    );
  }

  /**
   * Materialises one explicit crash state: the durable image plus exactly the pending changes in
   * `selection.keep` (applied in issue order, torn writes cut). Not checked against any mode.
   */
  crashWith(selection: CrashSelection): MemfsDisk {
    const image = this.#fs.model.materialize(selection);
    return MemfsDisk.#fromImage(image, (id) => this.#fs.mtimeOf(id), this.clock, this.#fs.nextId);
  }

  /**
   * A digest of the files `crashWith(selection)` would leave (see {@link imageDigest}: paths,
   * kinds and bytes; not inode ids or mtimes), computed without building a volume, so the crash
   * explorer can skip states it has already judged. Equal digests, equal files.
   */
  crashDigest(selection: CrashSelection): string {
    return imageDigest(this.#fs.model.materialize(selection));
  }

  /**
   * The files `crashWith(selection)` would leave, as {@link toJSON} lists them but with contents
   * decoded as Latin-1 (one character per byte), computed without building a volume.
   */
  crashFiles(selection: CrashSelection): Record<string, string | null> {
    return imageFiles(this.#fs.model.materialize(selection));
  }

  /** An immutable copy of the whole disk state (live, durable, pending). */
  snapshot(): MemfsDiskSnapshot {
    const live = readVolume(this.#fs.volume, (ino) => this.#fs.idOfIno(ino));
    return Object.freeze({
      live: live.image,
      model: this.#fs.model.state(),
      mtimes: new Map([...this.#fs.mtimes(), ...live.mtimes]),
      nextId: this.#fs.nextId,
      clock: this.clock,
    });
  }

  /** The live files: root-relative path → UTF-8 content, `null` for a directory (root omitted). */
  toJSON(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const volume = this.#fs.volume;
    const walk = (dir: string): void => {
      for (const name of (volume.readdirSync(volumePath(dir)) as string[]).map(String).sort()) {
        const path = dir === "" ? name : `${dir}/${name}`;
        const stat = volume.lstatSync(volumePath(path));
        if (stat.isDirectory()) {
          out[path] = null;
          walk(path);
        } else if (stat.isFile()) {
          out[path] = volume.readFileSync(volumePath(path), "utf8") as string;
        }
      }
    };
    withFixedIds(() => walk(""));
    return out;
  }

  static #fromImage(
    image: DiskImage,
    mtimeOf: (id: number) => number | undefined,
    clock: Clock,
    firstFreeId: number,
  ): MemfsDisk {
    let nextId = firstFreeId;
    const built = buildVolume(image, mtimeOf, () => nextId++);
    const mtimes = new Map<number, number>();
    for (const id of built.image.nodes.keys()) {
      const ms = mtimeOf(id);
      if (ms !== undefined) mtimes.set(id, ms);
    }
    const model = new DurabilityModel({ durable: built.image, pending: [], nextChangeId: 1 });
    return new MemfsDisk(
      new LiveFs({ volume: built.volume, inoToId: built.inoToId, model, mtimes, clock, nextId }),
    );
  }
}

/** A new {@link MemfsDisk}. */
export function createMemfsDisk(options: MemfsDiskOptions = {}): MemfsDisk {
  return MemfsDisk.create(options);
}

/** A backend over a new disk (`createMemfsDisk(options).backend()`); its `disk` reaches the rest. */
export function memfsBackend(options: MemfsDiskOptions = {}): MemfsBackend {
  return MemfsDisk.create(options).backend();
}
