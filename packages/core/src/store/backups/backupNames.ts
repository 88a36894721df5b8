import type { StorageBackend } from "../../backend/storageBackend.js";

const NONE: ReadonlySet<string> = new Set();

/**
 * The names in one report's `backups/` folder during one operation under its lock, listed on
 * first use only. A commit needs the full list only to prune beyond the retention, to reconcile a
 * divergence, or when the name it picked turns out to be taken; listing the folder on every
 * commit would make each commit O(backups), and the folder grows by one name per commit.
 * The list is never kept across operations (another process may add names between them).
 */
export class BackupNames {
  #names: Set<string> | undefined;

  constructor(
    private readonly backend: StorageBackend,
    private readonly dir: string,
  ) {}

  /** The names known without listing the folder: none until {@link list} ran, then all of them. */
  get known(): ReadonlySet<string> {
    return this.#names ?? NONE;
  }

  /**
   * Every name in the folder: listed on the first call, then kept up to date by {@link add} and
   * {@link delete}.
   *
   * @throws LivingReportsError the backend's readdir error (NOT_FOUND when the folder is gone)
   */
  async list(): Promise<Set<string>> {
    this.#names ??= new Set(await this.backend.readdir(this.dir));
    return this.#names;
  }

  /** Records a name made in the folder (a later first {@link list} sees it on disk anyway). */
  add(name: string): void {
    this.#names?.add(name);
  }

  /** Records a name removed from the folder. */
  delete(name: string): void {
    this.#names?.delete(name);
  }
}
