import { DelegatingBackend, isLivingReportsError, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { PointBackend } from "../src/explorer/pointBackend.js";
import type { FaultOp } from "../src/faults/faultRule.js";
import { FaultyBackend } from "../src/faults/faultyBackend.js";
import { ProcessBackend } from "../src/model/processBackend.js";
import { MutantBackend } from "../src/mutants/mutantBackend.js";
import { recordTrace } from "../src/trace/recordTrace.js";
import {
  argsFor,
  BACKEND_MEMBERS,
  getterValue,
  HANDLE_MEMBERS,
  type Members,
  resultOf,
  type SpyCall,
  spyBackend,
} from "./support/spyBackend.js";

interface WrapperCase {
  readonly name: string;
  readonly wrap: (inner: StorageBackend) => StorageBackend;
  /** Members the wrapper answers itself, on purpose. */
  readonly own?: readonly string[];
}

const WRAPPERS: readonly WrapperCase[] = [
  { name: "DelegatingBackend (the base)", wrap: (inner) => new DelegatingBackend(inner) },
  { name: "recordTrace", wrap: (inner) => recordTrace(inner).backend },
  { name: "FaultyBackend", wrap: (inner) => new FaultyBackend(inner) },
  // A process has a storageId of its own, so in-process state is not shared across incarnations.
  { name: "ProcessBackend", wrap: (inner) => new ProcessBackend(inner, 1), own: ["storageId"] },
  { name: "MutantBackend", wrap: (inner) => new MutantBackend(inner, {}) },
  { name: "PointBackend", wrap: (inner) => new PointBackend(inner, { before() {}, after() {} }) },
];

const invoke = (target: object, member: string, args: readonly unknown[]): unknown =>
  Reflect.apply(Reflect.get(target, member) as (...a: unknown[]) => unknown, target, args);

/** Checks that every member of `members` reaches the spy behind `outer` unchanged, and back. */
async function expectForwards(
  outer: object,
  members: Members,
  calls: SpyCall[],
  own: readonly string[],
  onOpen: (handle: object) => Promise<void>,
): Promise<void> {
  for (const member of members.getters) {
    if (!own.includes(member)) expect(Reflect.get(outer, member), member).toBe(getterValue(member));
  }
  for (const { name, arity } of members.methods) {
    const args = argsFor(name, arity);
    calls.length = 0;
    const result = await invoke(outer, name, args);
    expect(calls, name).toEqual([{ member: name, args }]);
    if (name === "open") await onOpen(result as object);
    // A call typed to resolve to nothing (close, sync...) may resolve to undefined rather than
    // pass the inner's value on; any other value must be the inner's.
    else if (result !== undefined) expect(result, name).toBe(resultOf(name));
  }
}

describe("every wrapper forwards every member of the delegating base", () => {
  it("the member lists come from the bases and cover the primitives", () => {
    expect(BACKEND_MEMBERS.getters).toEqual(expect.arrayContaining(["capabilities", "storageId", "clock"]));
    expect(BACKEND_MEMBERS.methods.map((m) => m.name)).toEqual(
      expect.arrayContaining(["open", "readFile", "syncDir", "rename", "stat", "utimes", "lockPrimitive"]),
    );
    expect(HANDLE_MEMBERS.getters).toEqual(["path"]);
    expect(HANDLE_MEMBERS.methods.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        "read",
        "write",
        "sync",
        "datasync",
        "truncate",
        "stat",
        "close",
        "loseUnsynced",
      ]),
    );
  });

  for (const { name, wrap, own = [] } of WRAPPERS) {
    it(`${name}: backend and handle members reach the inner backend with their arguments, results come back`, async () => {
      const calls: SpyCall[] = [];
      const outer = wrap(spyBackend(calls) as StorageBackend);
      let handles = 0;
      await expectForwards(outer, BACKEND_MEMBERS, calls, own, async (handle) => {
        handles += 1;
        await expectForwards(handle, HANDLE_MEMBERS, calls, [], async () => undefined);
      });
      expect(handles).toBe(1);
    });
  }
});

describe("the recorder records, and the fault injector can fail, every primitive the base forwards", () => {
  // lockPrimitive hands out an object rather than doing I/O: lock files go through `on`.
  const backendOps = BACKEND_MEMBERS.methods.filter((m) => m.name !== "lockPrimitive");
  // loseUnsynced is memfs's simulated failed fsync, no primitive.
  const handleOps = HANDLE_MEMBERS.methods.filter((m) => m.name !== "loseUnsynced");

  /** Calls `member` on the backend, or for a handle member on a handle it opened first. */
  async function call(backend: StorageBackend, member: string, arity: number, onHandle: boolean) {
    const target = onHandle ? await backend.open("f", "r+") : backend;
    return invoke(target, member, argsFor(member, arity));
  }

  for (const [onHandle, ops] of [
    [false, backendOps],
    [true, handleOps],
  ] as const) {
    for (const { name, arity } of ops) {
      it(`${onHandle ? "handle" : "backend"} ${name} is recorded as a trace event`, async () => {
        const recording = recordTrace(spyBackend([]) as StorageBackend);
        const target = onHandle ? await recording.backend.open("f", "r+") : recording.backend;
        recording.clear();
        await invoke(target, name, argsFor(name, arity));
        expect(recording.trace.map((e) => [e.op, e.result])).toEqual([[name, "ok"]]);
        if (onHandle) expect(recording.trace[0]?.handle).toBe(1);
      });

      it(`${onHandle ? "handle" : "backend"} ${name} can be faulted`, async () => {
        const faulty = new FaultyBackend(spyBackend([]) as StorageBackend, [
          { op: name as FaultOp, error: "EIO" },
        ]);
        const error = await Promise.resolve(call(faulty, name, arity, onHandle)).catch((err: unknown) => err);
        expect(isLivingReportsError(error), String(error)).toBe(true);
        expect(faulty.fired.map((f) => f.op)).toEqual([name]);
      });
    }
  }
});
