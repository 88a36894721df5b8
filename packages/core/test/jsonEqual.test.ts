import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { jsonEqual } from "../src/util/json.js";

/** The oracle: JSON texts with sorted keys, the way the diff compared values before jsonEqual. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

const json = fc.jsonValue({ maxDepth: 4 });

describe("jsonEqual", () => {
  it("ignores key order and undefined-valued keys, not values or array order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2, d: null }] }, { b: [1, { d: null, c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual("1", 1)).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });

  test.prop([json, json])("agrees with comparing sorted-key JSON texts", (a, b) => {
    expect(jsonEqual(a, b)).toBe(sortedJson(a) === sortedJson(b));
  });

  test.prop([json])("holds for a value and its key-reversed copy", (a) => {
    expect(jsonEqual(a, reversedKeys(a))).toBe(true);
  });
});
