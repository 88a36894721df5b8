import type { AnyHandle } from "./engine.js";
import { nodeError } from "./nodeErrors.js";

/** A file descriptor of the facade. */
export interface OpenFd {
  readonly fd: number;
  /** The path as the caller's code sees it (absolute), for errors. */
  readonly abs: string;
  /** The disk path. */
  readonly rel: string;
  /** A directory opened for its fsync (Linux's `open(dir)` + `fsync`): no backend handle. */
  readonly handle: AnyHandle | undefined;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Writes go at the end of the file, done by the facade (the backend mode does not append). */
  readonly append: boolean;
  /** The file position used by reads and writes that give none. */
  position: number;
}

/** The open file descriptors of one facade (numbers from 3 up, never reused while open). */
export class FdTable {
  readonly #open = new Map<number, OpenFd>();
  #next = 3;

  add(entry: Omit<OpenFd, "fd" | "position">): OpenFd {
    while (this.#open.has(this.#next)) this.#next++;
    const fd: OpenFd = { ...entry, fd: this.#next++, position: 0 };
    this.#open.set(fd.fd, fd);
    return fd;
  }

  /** The open descriptor `fd`; EBADF otherwise, as node:fs reports it. */
  get(fd: unknown, syscall: string): OpenFd {
    if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) {
      throw Object.assign(new TypeError(`The "fd" argument must be of type number. Received ${String(fd)}`), {
        code: "ERR_INVALID_ARG_TYPE",
      });
    }
    const entry = this.#open.get(fd);
    if (entry === undefined) throw nodeError("EBADF", { syscall });
    return entry;
  }

  delete(fd: number): void {
    this.#open.delete(fd);
  }

  /** How many descriptors are open (a test can check that code closed what it opened). */
  get size(): number {
    return this.#open.size;
  }
}
