import type { FaultInjector } from "./faultInjector.js";
import type { FaultOp } from "./faultRule.js";
import { injectedError } from "./injectedFault.js";

/** How one call is made through the injector. */
export interface FaultedCall<T> {
  op: FaultOp;
  path: string;
  /** The second path of a rename or link (a rule may match it instead). */
  to?: string | undefined;
  /** The inner call. */
  run: () => Promise<T>;
  /**
   * Undoes what a faulted-but-applied call returned that the caller will never see (a handle
   * opened before an `open` fault is reported must be closed, or it would leak).
   */
  discard?: (result: T) => Promise<void>;
  /** For a sync: drops the file's unsynced data (a `loseUnsynced` fault). */
  lose?: (() => Promise<void>) | undefined;
}

/**
 * Makes `call` through `injector`: unfaulted calls run as they are. A faulted call rejects with
 * the mapped injected error, after running the inner call first when the fault is `applied`; a
 * genuine error of that inner call wins over the injected one, since it is what really happened.
 */
export async function faultedCall<T>(injector: FaultInjector, call: FaultedCall<T>): Promise<T> {
  const decision = injector.decide(call.op, call.path, call.to);
  if (decision === undefined) return await call.run();
  if (decision.loseUnsynced === true && call.lose !== undefined) await call.lose();
  else if (decision.applied) {
    const result = await call.run();
    if (call.discard !== undefined) await call.discard(result);
  }
  // decide() only returns a decision without an error for a short write, which FaultyHandle handles.
  throw injectedError(decision.error ?? "EIO", call.op, call.path);
}
