import { ErrorCode, isLivingReportsError } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS, storeSettings } from "../src/globalOptions.js";
import { parseInvocation, wantsJson } from "../src/invocation.js";
import { COMMANDS } from "../src/registry.js";
import { captureIo } from "./helpers/captureIo.js";

function parseRun(argv: string[]) {
  const invocation = parseInvocation(argv, COMMANDS);
  if (invocation.kind !== "run") throw new Error(`expected a run, got ${invocation.kind}`);
  return invocation;
}

function usageFailure(argv: string[]): string {
  try {
    parseInvocation(argv, COMMANDS);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.INVALID_INPUT)) return err.message;
    throw err;
  }
  throw new Error(`expected ${argv.join(" ")} to fail`);
}

describe("parseInvocation", () => {
  it("takes global options before and after the command", () => {
    const before = parseRun(["--root", "/r", "--json", "tag", "x", "--add", "a"]);
    const after = parseRun(["tag", "x", "--add", "a", "--root=/r", "--json"]);
    for (const inv of [before, after]) {
      expect(inv.command.name).toBe("tag");
      expect(inv.args.positionals).toEqual(["x"]);
      expect(inv.args.strings("add")).toEqual(["a"]);
      expect(inv.args.string("root")).toBe("/r");
      expect(inv.args.flag("json")).toBe(true);
    }
  });

  it("collects repeated options in order", () => {
    const inv = parseRun(["list", "--tag", "a", "--tag", "b"]);
    expect(inv.args.strings("tag")).toEqual(["a", "b"]);
  });

  it("treats --help anywhere, -h and `help <command>` as help", () => {
    expect(parseInvocation(["--help"], COMMANDS)).toEqual({ kind: "help" });
    expect(parseInvocation(["-h"], COMMANDS)).toEqual({ kind: "help" });
    expect(parseInvocation(["help"], COMMANDS)).toEqual({ kind: "help" });
    const create = COMMANDS.find((c) => c.name === "create");
    expect(parseInvocation(["create", "--help"], COMMANDS)).toEqual({ kind: "help", command: create });
    expect(parseInvocation(["help", "create"], COMMANDS)).toEqual({ kind: "help", command: create });
  });

  it("refuses no command, unknown commands, unknown options, missing values and wrong arity", () => {
    expect(usageFailure([])).toMatch(/no command/);
    expect(usageFailure(["frobnicate"])).toMatch(/unknown command 'frobnicate'/);
    expect(usageFailure(["list", "--colour"])).toMatch(/--colour/);
    expect(usageFailure(["list", "--status"])).toMatch(/--status/);
    expect(usageFailure(["rename", "only-one"])).toMatch(/usage: living-reports rename/);
    expect(usageFailure(["init", "extra"])).toMatch(/wrong number of arguments/);
    expect(usageFailure(["help", "frobnicate"])).toMatch(/unknown command/);
  });

  it("knows --json even when the command line does not parse, but not after --", () => {
    expect(wantsJson(["--json", "frobnicate"])).toBe(true);
    expect(wantsJson(["create", "--", "--json"])).toBe(false);
  });
});

describe("the command registry", () => {
  it("has every docs/CLI.md command, once", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(
      [
        "archive",
        "crashcheck",
        "create",
        "delete",
        "demo",
        "fork",
        "history",
        "init",
        "list",
        "rebuild-index",
        "rename",
        "repair",
        "revert",
        "show",
        "synthesize",
        "tag",
        "trash",
        "update",
        "verify",
      ].sort(),
    );
  });

  it("gives every command a summary, a usage starting with its name, an example, and options that do not shadow global ones", () => {
    for (const command of COMMANDS) {
      expect(command.summary.length).toBeGreaterThan(0);
      expect(command.usage.startsWith(command.name)).toBe(true);
      expect(command.examples.length).toBeGreaterThan(0);
      for (const example of command.examples) expect(example).toContain("living-reports");
      for (const option of Object.keys(command.options)) expect(GLOBAL_OPTIONS).not.toHaveProperty(option);
    }
  });
});

describe("storeSettings", () => {
  const settingsOf = (argv: string[], env: Record<string, string> = {}) =>
    storeSettings(parseRun(argv).args, captureIo({ cwd: "/work/here", env }));

  it("resolves --root against the working directory, else $LIVING_REPORTS_ROOT, else ./reports", () => {
    expect(settingsOf(["list", "--root", "data"]).root).toBe("/work/here/data");
    expect(settingsOf(["list"], { LIVING_REPORTS_ROOT: "/srv/reports" }).root).toBe("/srv/reports");
    expect(settingsOf(["list", "--root", "/abs"], { LIVING_REPORTS_ROOT: "/srv/reports" }).root).toBe("/abs");
    expect(settingsOf(["list"]).root).toBe("/work/here/reports");
  });

  it("takes --actor cli|agent|human (default cli) and a --lock-timeout in ms", () => {
    expect(settingsOf(["list"]).actor).toBe("cli");
    expect(settingsOf(["list", "--actor", "agent"]).actor).toBe("agent");
    expect(settingsOf(["list", "--lock-timeout", "250"]).lockTimeoutMs).toBe(250);
    expect(() => settingsOf(["list", "--actor", "robot"])).toThrow(/--actor must be one of/);
    expect(() => settingsOf(["list", "--lock-timeout", "soon"])).toThrow(/--lock-timeout/);
    expect(() => settingsOf(["list", "--root", ""])).toThrow(/empty/);
  });
});
