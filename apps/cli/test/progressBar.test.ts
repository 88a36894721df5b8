import { describe, expect, it } from "vitest";
import { createProgressBar, renderProgressBar } from "../src/output/progressBar.js";
import { captureIo } from "./helpers/captureIo.js";

describe("renderProgressBar", () => {
  it("fills the bar in proportion to done/total", () => {
    expect(renderProgressBar({ phase: "rebuild", done: 5, total: 10 }, 10)).toBe(
      "rebuild  [#####.....]  5/10",
    );
    expect(renderProgressBar({ phase: "verify", done: 10, total: 10 }, 4)).toBe("verify  [####]  10/10");
  });

  it("clamps done into [0, total] and shows an empty job as full", () => {
    expect(renderProgressBar({ phase: "p", done: 12, total: 10 }, 4)).toBe("p  [####]  10/10");
    expect(renderProgressBar({ phase: "p", done: -1, total: 10 }, 4)).toBe("p  [....]  0/10");
    expect(renderProgressBar({ phase: "p", done: 0, total: 0 }, 4)).toBe("p  [####]  0/0");
  });
});

describe("createProgressBar", () => {
  it("draws in place on a terminal, skips unchanged redraws, and clears the line when finished", () => {
    const io = captureIo({ tty: true });
    const bar = createProgressBar(io.stdout, true);
    bar.update({ phase: "rebuild", done: 1, total: 2 });
    bar.update({ phase: "rebuild", done: 1, total: 2 });
    bar.update({ phase: "rebuild", done: 2, total: 2 });
    bar.finish();
    const out = io.stdout.text();
    expect(out.split("\r\x1b[2K")).toHaveLength(4);
    expect(out).toContain("1/2");
    expect(out.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("draws nothing when stdout is not a terminal", () => {
    const io = captureIo({ tty: false });
    const bar = createProgressBar(io.stdout, true);
    bar.update({ phase: "rebuild", done: 1, total: 2 });
    bar.finish();
    expect(io.stdout.text()).toBe("");
  });

  it("draws nothing with --json even on a terminal", () => {
    const io = captureIo({ tty: true });
    const bar = createProgressBar(io.stdout, false);
    bar.update({ phase: "rebuild", done: 1, total: 2 });
    bar.finish();
    expect(io.stdout.text()).toBe("");
  });
});
