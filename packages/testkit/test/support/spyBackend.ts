/**
 * A backend that answers every member its delegating base forwards with a marker and records
 * every method call, for checking that wrappers forward. The member lists come from one place:
 * the bases' prototypes (core's `DelegatingBackend`/`DelegatingHandle`, which implement every
 * member of `StorageBackend`/`FileHandle`, and the testkit's `DelegatingHandle`, which adds
 * memfs's `loseUnsynced`), so a primitive added to the base is checked here without a change.
 */
import { DelegatingHandle as CoreDelegatingHandle, DelegatingBackend } from "@living-reports/core";
import { DelegatingHandle } from "../../src/support/delegatingBackend.js";

/** The getters and methods a prototype defines (its own, `constructor` aside). */
export interface Members {
  readonly getters: readonly string[];
  /** Each with the number of parameters it declares. */
  readonly methods: readonly { readonly name: string; readonly arity: number }[];
}

function membersOf(...protos: object[]): Members {
  const getters: string[] = [];
  const methods: { name: string; arity: number }[] = [];
  for (const proto of protos) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (name === "constructor") continue;
      if (d.get !== undefined) getters.push(name);
      else if (typeof d.value === "function") methods.push({ name, arity: (d.value as () => void).length });
    }
  }
  return { getters, methods };
}

/** Every backend member the base forwards. */
export const BACKEND_MEMBERS = membersOf(DelegatingBackend.prototype);
/** Every handle member the testkit's handle base forwards (core's, plus `loseUnsynced`). */
export const HANDLE_MEMBERS = membersOf(CoreDelegatingHandle.prototype, DelegatingHandle.prototype);

/** One method call the spy saw. */
export interface SpyCall {
  readonly member: string;
  readonly args: readonly unknown[];
}

/** What a getter of the spy returns. */
export const getterValue = (member: string): string => `spy ${member}`;
/** What a method of the spy resolves to (`open`: a spy handle; `lockPrimitive` returns it as is). */
export const resultOf = (member: string): string => `spy ${member} result`;
/** Distinct arguments for a call of `member`. */
export const argsFor = (member: string, arity: number): string[] =>
  Array.from({ length: arity }, (_, i) => `${member} arg ${i}`);

function spy(members: Members, calls: SpyCall[], result: (member: string) => unknown): object {
  const target: Record<string, unknown> = {};
  for (const member of members.getters)
    Object.defineProperty(target, member, { get: () => getterValue(member), enumerable: true });
  for (const { name } of members.methods) {
    target[name] = (...args: unknown[]) => {
      calls.push({ member: name, args });
      return result(name);
    };
  }
  return target;
}

/** A spy backend whose calls (and those of the handles it opens) go to `calls`. */
export function spyBackend(calls: SpyCall[]): object {
  const handle = (): object => spy(HANDLE_MEMBERS, calls, (m) => Promise.resolve(resultOf(m)));
  return spy(BACKEND_MEMBERS, calls, (m) =>
    m === "lockPrimitive" ? resultOf(m) : Promise.resolve(m === "open" ? handle() : resultOf(m)),
  );
}
