import type { PathStatRow } from "./fileStat.js";

/**
 * What the open handles of one backend instance on one inode share: which of them holds buffered
 * writes (at most one at a time), and the chain of statements that send them, so that writes made
 * through several handles on one file reach the database in the order they were made, as on a
 * disk (pgFileHandle.ts).
 */
export interface SharedInode {
  /** Open handles on the inode. */
  users: number;
  /** The handle whose writes are buffered, if any: another handle's write sends them first. */
  buffering: BufferingHandle | undefined;
  /** Settles when the last statement sending buffered writes to the inode did. */
  tail: Promise<unknown>;
}

/** What a handle with buffered writes offers the others. */
export interface BufferingHandle {
  /** Hands over its buffered writes (to whichever handle sends them). */
  takeBuffered(): BufferedRun[];
  /** Sends its buffered writes now (committed asynchronously); a failure is its next sync's. */
  sendBuffered(): Promise<void>;
  /**
   * Sends its buffered writes and stats `path` in the same statement (one round trip); a failure
   * is its next sync's, and is thrown.
   */
  sendBufferedThenStat(path: string): Promise<PathStatRow | undefined>;
}

/** A run of buffered bytes: written at `at`, or appended when `at` is -1. */
export interface BufferedRun {
  at: number;
  parts: Buffer[];
  length: number;
}

/** The {@link SharedInode}s of one backend instance, kept while a handle on the inode is open. */
export class InodeWriters {
  private readonly byIno = new Map<number, SharedInode>();

  /** The shared state of `ino`, counting one more open handle. */
  join(ino: number): SharedInode {
    let shared = this.byIno.get(ino);
    if (shared === undefined) {
      shared = { users: 0, buffering: undefined, tail: Promise.resolve() };
      this.byIno.set(ino, shared);
    }
    shared.users++;
    return shared;
  }

  /**
   * Sends every handle's buffered writes, so that a read by path that follows sees them, as a
   * process reads its own writes through a page cache. Nothing to do (no round trip) when no
   * handle has any; a failure is left to the writing handle's next sync.
   */
  async sendAll(): Promise<void> {
    const sending: Promise<void>[] = [];
    for (const shared of this.byIno.values()) {
      if (shared.buffering !== undefined)
        sending.push(shared.buffering.sendBuffered().catch(() => undefined));
    }
    await Promise.all(sending);
  }

  /**
   * What a stat of `path` that follows {@link sendAll} would return, in one statement with the
   * sending when one inode has buffered writes (the common case: core's index append checks the
   * index lock right after its write); `undefined` when the caller must stat on its own: nothing
   * or several inodes were buffered (then sent first), or the combined statement failed (the
   * failure is left to the writing handle's next sync, as {@link sendAll} leaves it).
   */
  async sendAllThenStat(path: string): Promise<PathStatRow | undefined> {
    let only: BufferingHandle | undefined;
    let count = 0;
    for (const shared of this.byIno.values()) {
      if (shared.buffering === undefined) continue;
      only = shared.buffering;
      count++;
    }
    if (count !== 1 || only === undefined) {
      await this.sendAll();
      return undefined;
    }
    try {
      return await only.sendBufferedThenStat(path);
    } catch {
      return undefined;
    }
  }

  /** One handle on `ino` closed; the state goes with the last. */
  leave(ino: number): void {
    const shared = this.byIno.get(ino);
    if (shared === undefined) return;
    shared.users--;
    if (shared.users <= 0) this.byIno.delete(ino);
  }
}
