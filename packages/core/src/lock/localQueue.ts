/**
 * The in-process FIFO of lock waiters, shared by every lock manager of this process (even two
 * copies of this module: the registry lives on `globalThis`). A key is `storageId` + lock path.
 * Only the head of a queue touches the disk; the others wait in memory and are handed the turn,
 * and possibly the held lock itself, directly.
 */

interface Waiter<T> {
  grant(value: T | undefined): void;
}

interface Slot<T> {
  /** Some acquirer holds the turn (it is acquiring on disk, or holds the lock). */
  busy: boolean;
  readonly waiters: Waiter<T>[];
}

/** A place in a queue: resolves when the turn is ours, with the lock if it was handed over. */
export interface QueueTicket<T> {
  /** False when the turn was free and is granted at once. */
  readonly queued: boolean;
  readonly granted: Promise<T | undefined>;
  /** Leaves the queue. False when the turn was already granted (the caller then owns it). */
  withdraw(): boolean;
}

const REGISTRY = Symbol.for("living-reports.lock.localQueues");

function slots(): Map<string, Slot<unknown>> {
  const holder = globalThis as { [REGISTRY]?: Map<string, Slot<unknown>> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/** Joins the queue of `key`; the turn is granted at once when nobody holds it. */
export function enterQueue<T>(key: string): QueueTicket<T> {
  const all = slots();
  const slot = all.get(key) as Slot<T> | undefined;
  if (slot === undefined) {
    all.set(key, { busy: true, waiters: [] });
    return { queued: false, granted: Promise.resolve(undefined), withdraw: () => false };
  }
  let granted = false;
  let grant: (value: T | undefined) => void = () => undefined;
  const promise = new Promise<T | undefined>((resolve) => {
    grant = resolve;
  });
  const waiter: Waiter<T> = {
    grant: (value) => {
      granted = true;
      grant(value);
    },
  };
  slot.waiters.push(waiter);
  for (const fn of watchers().get(key) ?? []) queueMicrotask(fn);
  return {
    queued: true,
    granted: promise,
    withdraw: () => {
      if (granted) return false;
      const i = slot.waiters.indexOf(waiter);
      if (i >= 0) slot.waiters.splice(i, 1);
      return true;
    },
  };
}

const WATCHERS = Symbol.for("living-reports.lock.queueWatchers");

function watchers(): Map<string, Set<() => void>> {
  const holder = globalThis as { [WATCHERS]?: Map<string, Set<() => void>> };
  holder[WATCHERS] ??= new Map();
  return holder[WATCHERS];
}

/**
 * Calls `fn` (in a microtask) every time a waiter joins the queue of `key`, until the returned
 * function is called: a holder that keeps a lock between uses hands it over as soon as someone
 * here wants it. Never throws.
 */
export function watchQueue(key: string, fn: () => void): () => void {
  const all = watchers();
  let set = all.get(key);
  if (set === undefined) {
    set = new Set();
    all.set(key, set);
  }
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && all.get(key) === set) all.delete(key);
  };
}

/** True when someone waits in the queue of `key` (besides whoever holds the turn). Never throws. */
export function hasWaiters(key: string): boolean {
  return (slots().get(key)?.waiters.length ?? 0) > 0;
}

/** Hands `value` (the held lock) to the next waiter of `key`. False when nobody waits. */
export function handOver<T>(key: string, value: T): boolean {
  const next = (slots().get(key) as Slot<T> | undefined)?.waiters.shift();
  if (next === undefined) return false;
  next.grant(value);
  return true;
}

/** Gives the turn (without a lock) to the next waiter of `key`, or frees the queue. */
export function passTurn(key: string): void {
  const all = slots();
  const slot = all.get(key);
  const next = slot?.waiters.shift();
  if (next !== undefined) next.grant(undefined);
  else all.delete(key);
}
