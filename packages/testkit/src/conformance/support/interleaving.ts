import type { FileHandle, FileStat, OpenMode, StorageBackend } from "@living-reports/core";
import { DelegatingBackend, DelegatingHandle } from "../../support/delegatingBackend.js";

/** A call an actor is about to make: `op path` (`open index.jsonl a`, `write index.jsonl`, ...). */
export type GatedCall = string;

/** Decides whether an actor's call waits for its turn (true) or runs at once. */
export type GatePredicate = (call: { op: string; path: string; mode?: OpenMode; to?: string }) => boolean;

interface Waiting {
  call: GatedCall;
  go: () => void;
  /** Settles when the call, once let go, has returned or thrown. */
  finished: Promise<void>;
}

/**
 * A deterministic scheduler of several actors' backend calls, for tests that place one actor's
 * steps at every position among another's: each actor works through a {@link gated} backend
 * whose chosen calls, once {@link arm}ed, wait until {@link step} lets them run, one at a time,
 * each to completion before the next step. Calls the predicate does not choose run at once.
 * {@link release} lets everything run freely again (the scheduler starts released).
 */
export class Interleaving {
  readonly #pending = new Map<string, Waiting[]>();
  #free = true;
  #wake: (() => void) | undefined;

  /**
   * `inner` as `actor` sees it: calls that `gate` chooses wait for their step. `storageId`
   * replaces the backend's (another "process": no in-process lock queue shared with the others).
   */
  gated(inner: StorageBackend, actor: string, gate: GatePredicate, storageId?: string): StorageBackend {
    return new GatedBackend(inner, (call, run) => this.#run(actor, gate, call, run), storageId);
  }

  /**
   * Lets `actor`'s next chosen call run once it makes one, and waits until it has returned or
   * thrown. Resolves with the call; with undefined when `done` (the actor's work) settled first;
   * with `blocked` when the actor made no chosen call for `patienceMs` of wall time (it waits for
   * something another actor holds while that one waits for its step: the schedule cannot be
   * followed, and the caller goes on rather than hang).
   */
  async step(actor: string, done: Promise<unknown>, patienceMs = 2_000): Promise<GatedCall | undefined> {
    let settled = false;
    let expired = false;
    const mark = () => {
      settled = true;
      this.#wake?.();
    };
    done.then(mark, mark);
    const timer = setTimeout(() => {
      expired = true;
      this.#wake?.();
    }, patienceMs);
    try {
      for (;;) {
        const next = this.#pending.get(actor)?.shift();
        if (next !== undefined) {
          next.go();
          await next.finished;
          return next.call;
        }
        if (settled) return undefined;
        if (expired) return "blocked";
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** From now on, calls the actors' predicates choose wait for their {@link step}. */
  arm(): void {
    this.#free = false;
  }

  /** Lets every waiting and later call run at once. */
  release(): void {
    this.#free = true;
    for (const queue of this.#pending.values()) for (const waiting of queue.splice(0)) waiting.go();
  }

  async #run<T>(
    actor: string,
    gate: GatePredicate,
    call: { op: string; path: string; mode?: OpenMode; to?: string },
    run: () => Promise<T>,
  ): Promise<T> {
    if (this.#free || !gate(call)) return await run();
    let go = () => {};
    let finish = () => {};
    const allowed = new Promise<void>((resolve) => {
      go = resolve;
    });
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const name = [call.op, call.path, call.mode, call.to].filter((x) => x !== undefined).join(" ");
    const queue = this.#pending.get(actor) ?? [];
    queue.push({ call: name, go, finished });
    this.#pending.set(actor, queue);
    this.#wake?.();
    await allowed;
    try {
      return await run();
    } finally {
      finish();
    }
  }
}

type Runner = <T>(
  call: { op: string; path: string; mode?: OpenMode; to?: string },
  run: () => Promise<T>,
) => Promise<T>;

class GatedBackend extends DelegatingBackend {
  constructor(
    inner: StorageBackend,
    private readonly runner: Runner,
    private readonly id: string | undefined,
  ) {
    super(inner);
  }

  override get storageId(): string {
    return this.id ?? this.inner.storageId;
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await this.runner({ op: "open", path, mode }, () => super.open(path, mode));
    return new GatedHandle(handle, this.runner);
  }

  override readFile(path: string): Promise<Uint8Array> {
    return this.runner({ op: "readFile", path }, () => super.readFile(path));
  }

  override rename(from: string, to: string): Promise<void> {
    return this.runner({ op: "rename", path: from, to }, () => super.rename(from, to));
  }

  override mkdir(path: string): Promise<void> {
    return this.runner({ op: "mkdir", path }, () => super.mkdir(path));
  }

  override rmdir(path: string): Promise<void> {
    return this.runner({ op: "rmdir", path }, () => super.rmdir(path));
  }

  override stat(path: string): Promise<FileStat> {
    return this.runner({ op: "stat", path }, () => super.stat(path));
  }
}

class GatedHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly runner: Runner,
  ) {
    super(inner);
  }

  override read(length: number, position: number): Promise<Uint8Array> {
    return this.runner({ op: "read", path: this.path }, () => super.read(length, position));
  }

  override write(data: Uint8Array, position?: number): Promise<number> {
    return this.runner({ op: "write", path: this.path }, () => super.write(data, position));
  }
}
