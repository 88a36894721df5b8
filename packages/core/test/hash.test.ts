import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, sha256Hex } from "../src/util/hash.js";
import { jsonTextDepth, valueDepth } from "../src/util/json.js";

describe("sha256Hex", () => {
  it("matches the standard test vectors", () => {
    expect(sha256Hex("")).toBe(EMPTY_SHA256);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes a string as its UTF-8 bytes", () => {
    expect(sha256Hex("métrique ±62% —")).toBe(sha256Hex(new TextEncoder().encode("métrique ±62% —")));
  });
});

describe("depth counting", () => {
  it("counts objects and arrays, the top level being 1", () => {
    expect(jsonTextDepth("1")).toBe(0);
    expect(jsonTextDepth("{}")).toBe(1);
    expect(jsonTextDepth('{"a":[{"b":[]}],"c":{}}')).toBe(4);
    expect(valueDepth({ a: [{ b: [] }], c: {} }, 64)).toBe(4);
    expect(valueDepth("x", 64)).toBe(0);
  });

  it("skips brackets in strings, escaped quotes included", () => {
    expect(jsonTextDepth('{"a":"[[\\"{{"}')).toBe(1);
  });

  it("stops at limit + 1", () => {
    expect(jsonTextDepth("[".repeat(1000), 10)).toBe(11);
    let v: unknown = [];
    for (let i = 0; i < 1000; i++) v = [v];
    expect(valueDepth(v, 10)).toBe(11);
  });
});
