import { readArgs, timeArg, writeArgs } from "./args.js";
import type { FsContext } from "./context.js";
import { decoded, encodingOf, type WriteData } from "./data.js";
import type { Op } from "./engine.js";
import {
  closeFd,
  fstatFd,
  ftruncateFd,
  readFd,
  readFileOp,
  syncFd,
  writeFd,
  writeFileOp,
} from "./fileOps.js";
import { utimesOp } from "./pathOps.js";
import type { FacadeStats } from "./stats.js";

/** Runs an operation of the facade asynchronously. */
export type AsyncRunner = <T>(op: Op<T>) => Promise<T>;

/**
 * `fs.promises.open`'s result: a file handle over one descriptor of the facade. Every call is
 * the descriptor's node:fs call, so a handle and the fd API can be mixed as in node:fs.
 */
export class FacadeFileHandle {
  readonly fd: number;
  readonly #ctx: FsContext;
  readonly #run: AsyncRunner;

  constructor(ctx: FsContext, fd: number, run: AsyncRunner) {
    this.#ctx = ctx;
    this.fd = fd;
    this.#run = run;
  }

  async read(...args: unknown[]): Promise<{ bytesRead: number; buffer: ArrayBufferView }> {
    const a = readArgs(args);
    const bytesRead = await this.#run(readFd(this.#ctx, this.fd, a.buffer, a.offset, a.length, a.position));
    return { bytesRead, buffer: a.buffer };
  }

  async write(data: WriteData, ...args: unknown[]): Promise<{ bytesWritten: number; buffer: WriteData }> {
    const a = writeArgs(data, args);
    const bytesWritten = await this.#run(writeFd(this.#ctx, this.fd, a.bytes, a.position));
    return { bytesWritten, buffer: data };
  }

  /** Reads from the current position to the end. */
  async readFile(options?: unknown): Promise<Buffer | string> {
    return decoded(await this.#run(readFileOp(this.#ctx, this.fd, options)), encodingOf(options));
  }

  /** Writes all of `data` from the current position (node:fs's semantics for a handle). */
  writeFile(data: WriteData, options?: unknown): Promise<void> {
    return this.#run(writeFileOp(this.#ctx, this.fd, data, options, "w"));
  }

  appendFile(data: WriteData, options?: unknown): Promise<void> {
    return this.#run(writeFileOp(this.#ctx, this.fd, data, options, "a"));
  }

  /** fsync: the file's data durable (of a directory handle: its entries). */
  sync(): Promise<void> {
    return this.#run(syncFd(this.#ctx, this.fd, "sync"));
  }

  datasync(): Promise<void> {
    return this.#run(syncFd(this.#ctx, this.fd, "datasync"));
  }

  truncate(length = 0): Promise<void> {
    return this.#run(ftruncateFd(this.#ctx, this.fd, length));
  }

  stat(): Promise<FacadeStats> {
    return this.#run(fstatFd(this.#ctx, this.fd));
  }

  utimes(_atime: unknown, mtime: unknown): Promise<void> {
    return this.#run(utimesOp(this.#ctx, this.#ctx.fds.get(this.fd, "futime").abs, timeArg(mtime)));
  }

  /** No permissions on the simulated disk: checks the handle is open. */
  async chmod(): Promise<void> {
    this.#ctx.fds.get(this.fd, "fchmod");
  }

  async chown(): Promise<void> {
    this.#ctx.fds.get(this.fd, "fchown");
  }

  /** Closes the descriptor; closing makes nothing durable. */
  close(): Promise<void> {
    return this.#run(closeFd(this.#ctx, this.fd));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
