import type { FileHandle, OpenMode } from "@living-reports/core";
import { DelegatingBackend, DelegatingHandle } from "../support/delegatingBackend.js";

/**
 * A writer's backend that can freeze it just before one write, as a SIGSTOP between a lease check
 * and the write it guards would: {@link arm} a path, and the next `write` to a handle of that path
 * waits until {@link release}; {@link reached} resolves once a write is held there. The write's
 * lock check (the store's lock-bound view, above this backend) has passed by then.
 */
export class PausedWriter extends DelegatingBackend {
  #armed: string | undefined;
  #hold: Promise<void> | undefined;
  #release: () => void = () => undefined;
  #reached: () => void = () => undefined;
  /** Resolves when a write to the armed path is being held. */
  reached: Promise<void> = Promise.resolve();

  /** Holds the next write to `path` until {@link release}. */
  arm(path: string): void {
    this.#armed = path;
    this.#hold = new Promise((resolve) => {
      this.#release = resolve;
    });
    this.reached = new Promise((resolve) => {
      this.#reached = resolve;
    });
  }

  /** Lets the held write (and every later one) go on. */
  release(): void {
    this.#armed = undefined;
    this.#release();
  }

  /** The hold of a write to `path`, if it is armed (consumed: one write is held). */
  holdFor(path: string): Promise<void> | undefined {
    if (this.#armed !== path || this.#hold === undefined) return undefined;
    const hold = this.#hold;
    this.#hold = undefined;
    this.#reached();
    return hold;
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    return new HeldHandle(await this.inner.open(path, mode), this);
  }
}

class HeldHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly writer: PausedWriter,
  ) {
    super(inner);
  }

  override async write(data: Uint8Array, position?: number): Promise<number> {
    const hold = this.writer.holdFor(this.inner.path);
    if (hold !== undefined) await hold;
    return await super.write(data, position);
  }
}
