import pg from "pg";

/** The channel the schema's release functions notify on (leaseFunctions.ts): `<quoted schema>:<path>`. */
export const RELEASE_CHANNEL = "living_reports_release";

/** One waiter's subscription to the release of one lock path. */
export interface ReleaseWatch {
  /** Resolves true once a release of the path was notified (maybe before the call), false after `ms`. */
  wait(ms: number): Promise<boolean>;
  /** Ends the subscription (idempotent). */
  cancel(): void;
}

/**
 * Tells a waiting lock taker within milliseconds that a lease was released or reclaimed, instead
 * of its next poll: the release functions `NOTIFY` (delivered at their commit), and one connection
 * of this backend instance, opened at the first wait, `LISTEN`s. A notification is only a hint:
 * the lease row, judged by the database's clock, stays the truth, and the waiter takes the lock
 * with the same one-statement attempt as always. A notification missed (the listening connection
 * not yet open, lost, or a release committed before the waiter subscribed) costs only latency: the
 * waiter's bounded wait runs out and it tries again.
 *
 * The listening connection does not keep the process alive (it is unref'd), and is closed by
 * {@link end}.
 */
export class ReleaseWaker {
  private client: pg.Client | undefined;
  private connecting = false;
  private ended = false;
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly config: pg.ClientConfig,
    /** The payload prefix of this store's notifications: its quoted schema and a colon. */
    private readonly prefix: string,
  ) {}

  /** Subscribes to the release of `path` from now on (best effort: see the class). */
  watch(path: string): ReleaseWatch {
    this.listen();
    let woken = false;
    let wake = () => {
      woken = true;
    };
    const fired = new Promise<void>((resolve) => {
      wake = () => {
        woken = true;
        resolve();
      };
    });
    let set = this.waiting.get(path);
    if (set === undefined) {
      set = new Set();
      this.waiting.set(path, set);
    }
    set.add(wake);
    const cancel = () => {
      const current = this.waiting.get(path);
      current?.delete(wake);
      if (current?.size === 0) this.waiting.delete(path);
    };
    return {
      wait: async (ms) => {
        if (!woken) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, ms);
          });
          await Promise.race([fired, timeout]);
          clearTimeout(timer);
        }
        cancel();
        return woken;
      },
      cancel,
    };
  }

  /** Closes the listening connection; later watches only time out. */
  async end(): Promise<void> {
    this.ended = true;
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    // Unref'd, its closing handshake would not keep the loop alive: a caller awaiting end() in a
    // process with nothing else to do would never see it resolve.
    (client as unknown as { ref?: () => void }).ref?.();
    await client.end().catch(() => undefined);
  }

  private listen(): void {
    if (this.ended || this.client !== undefined || this.connecting) return;
    this.connecting = true;
    const client = new pg.Client(this.config);
    const drop = () => {
      if (this.client === client) this.client = undefined;
    };
    client.on("error", drop);
    client.on("end", drop);
    client.on("notification", (n) => this.notified(n.payload));
    void (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${RELEASE_CHANNEL}`);
        // A listener must not keep an otherwise finished process alive (as the pool's idle
        // connections do not, with allowExitOnIdle).
        (client as unknown as { unref?: () => void }).unref?.();
        if (this.ended) {
          (client as unknown as { ref?: () => void }).ref?.();
          await client.end();
        } else this.client = client;
      } catch {
        drop();
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = false;
      }
    })();
  }

  private notified(payload: string | undefined): void {
    if (payload === undefined || !payload.startsWith(this.prefix)) return;
    const waiters = this.waiting.get(payload.slice(this.prefix.length));
    if (waiters === undefined) return;
    for (const wake of [...waiters]) wake();
  }
}
