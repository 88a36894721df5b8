/**
 * The asynchronous commits of one backend instance that no synchronous commit has covered yet, by
 * key (`ino:<n>`: a file's data) and server incarnation.
 *
 * Why: PostgreSQL flushes its write-ahead log in order, so a synchronous commit makes every
 * asynchronous commit before it durable, but only within one incarnation of the server: a crash
 * loses what was not flushed, and unlike a machine's crash it leaves the app server running. A
 * sync that follows such a loss must not report success for what was lost; it is told here.
 */
export class UnsyncedCommits {
  /** key → incarnation → sequence number of its latest asynchronous commit. */
  private readonly pending = new Map<string, Map<string, number>>();
  private seq = 0;

  /** The sequence number a synchronous commit starting now covers (see {@link synced}). */
  mark(): number {
    return this.seq;
  }

  /** Records an asynchronous commit of `keys`, made on a connection to `incarnation`. */
  record(keys: readonly string[], incarnation: string): void {
    const at = ++this.seq;
    for (const key of keys) {
      let byIncarnation = this.pending.get(key);
      if (byIncarnation === undefined) {
        byIncarnation = new Map();
        this.pending.set(key, byIncarnation);
      }
      byIncarnation.set(incarnation, at);
    }
  }

  /** True when an asynchronous commit made in another incarnation than `incarnation` is pending. */
  anyOutside(incarnation: string): boolean {
    for (const byIncarnation of this.pending.values()) {
      for (const other of byIncarnation.keys()) if (other !== incarnation) return true;
    }
    return false;
  }

  /**
   * A synchronous commit on a connection to `incarnation`, started at `mark`, resolved: every
   * asynchronous commit recorded up to `mark` in that incarnation is durable and forgotten.
   *
   * @returns the first of `keys` with an asynchronous commit in another (earlier) incarnation,
   *   now forgotten too (it is reported once), or `undefined` when there is none
   */
  synced(keys: readonly string[], incarnation: string, mark: number): string | undefined {
    let lost: string | undefined;
    for (const key of keys) {
      const byIncarnation = this.pending.get(key);
      if (byIncarnation === undefined) continue;
      for (const other of byIncarnation.keys()) {
        if (other !== incarnation) {
          lost ??= key;
          byIncarnation.delete(other);
        }
      }
    }
    for (const [key, byIncarnation] of this.pending) {
      const at = byIncarnation.get(incarnation);
      if (at !== undefined && at <= mark) byIncarnation.delete(incarnation);
      if (byIncarnation.size === 0) this.pending.delete(key);
    }
    return lost;
  }
}
