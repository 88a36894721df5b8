import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLockManager } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { describe, expect, it } from "vitest";
import { run } from "../src/main.js";
import { captureIo } from "./helpers/captureIo.js";
import { ok, runCli, storeCli } from "./helpers/runCli.js";
import type { Created, OutlineDoc } from "./helpers/shapes.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const canFifo = process.platform !== "win32";
const ESC = "\u001b";

async function withReport() {
  const s = await storeCli();
  const { report_id: id } = await ok<Created>(s.cli("--json", "create", "Keep"));
  return { ...s, id };
}

/** The report's lock, held as another process holding it would; resolves to its release. */
async function holdReportLock(root: string, id: string): Promise<() => Promise<void>> {
  const backend = nodeFsBackend({ root });
  const locks = createLockManager(backend);
  const handle = await locks.acquire(`by_id/${id}/.lock`);
  return async () => {
    await handle.release();
    await locks.close();
  };
}

/** Waits until `.sessions/` holds `n` session locks (a run has opened its store). */
async function sessions(root: string, n: number): Promise<void> {
  for (let i = 0; i < 500 && readdirSync(join(root, ".sessions")).length < n; i++) await sleep(20);
  expect(readdirSync(join(root, ".sessions")).length).toBe(n);
}

describe("hostile command lines: exit codes of docs/CLI.md", () => {
  it("--root given twice is a usage error, whatever the order", async () => {
    const { cli, root } = await storeCli();
    const twice = await cli("--root", `${root}-other`, "list");
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--root given more than once");
    expect(existsSync(`${root}-other`)).toBe(false);
    const after = await runCli(["list", "--root", root, "--root", root]);
    expect(after.code).toBe(2);
  });

  it("update --file with invalid UTF-8, a directory or a FIFO exits 2 and writes nothing", async () => {
    const { cli, dir, id, root } = await withReport();
    const before = readFileSync(join(root, "by_id", id, "outline.json"));
    const shown = await ok<OutlineDoc>(cli("--json", "show", id));
    const [head, tail] = JSON.stringify({ ...shown, title: "x@@y" }).split("@@");
    writeFileSync(
      join(dir, "bad.json"),
      Buffer.concat([Buffer.from(head ?? ""), Buffer.from([0xff, 0xfe]), Buffer.from(tail ?? "")]),
    );
    const utf8 = await cli("update", id, "--file", "bad.json");
    expect([utf8.code, utf8.stderr]).toEqual([2, expect.stringContaining("not valid UTF-8")]);
    mkdirSync(join(dir, "adir"));
    const directory = await cli("update", id, "--file", "adir");
    expect([directory.code, directory.stderr]).toEqual([2, expect.stringContaining("is a directory")]);
    if (canFifo) {
      execFileSync("mkfifo", [join(dir, "pipe")]);
      const fifo = await cli("update", id, "--file", "pipe");
      expect([fifo.code, fifo.stderr]).toEqual([2, expect.stringContaining("not a regular file")]);
      const sections = await cli("create", "New", "--sections-file", "pipe");
      expect(sections.code).toBe(2);
    }
    expect(readFileSync(join(root, "by_id", id, "outline.json"))).toEqual(before);
  });

  it("revert with an action id that is not a UUID exits 2 INVALID_ID before the store is opened", async () => {
    const { cli, id } = await withReport();
    for (const bad of ["../x", "..", "x/y", ""]) {
      const r = await cli("--json", "revert", id, bad);
      expect(r.code, bad).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe("INVALID_ID");
    }
  });

  it("show and rename agree on an uppercase UUID: both refuse it with INVALID_ID (ids are canonical lowercase)", async () => {
    const { cli, id } = await withReport();
    const upper = id.toUpperCase();
    for (const argv of [
      ["show", upper],
      ["rename", upper, "T"],
      ["history", upper],
      ["tag", upper, "--add", "x"],
    ]) {
      const r = await cli("--json", ...argv);
      expect(r.code, argv[0]).toBe(2);
      expect(JSON.parse(r.stderr).error.code, argv[0]).toBe("INVALID_ID");
    }
    expect((await cli("show", id)).code).toBe(0);
    expect((await cli("show", "Keep")).code).toBe(0);
  });
});

describe("terminal safety: text output escapes control characters (not --json)", () => {
  it("list, show and history print a hostile title and tag escaped; --json keeps them exactly", async () => {
    const { cli } = await storeCli();
    const title = `Q3${ESC}[2J${ESC}]0;pwned\u0007\r\u202eevil`;
    const { report_id: id } = await ok<Created>(cli("--json", "create", title, "--tag", `t${ESC}[31m`));
    await ok(cli("--json", "rename", id, `${title}\nsecond line`));
    for (const argv of [["list"], ["show", id], ["history", id]]) {
      const r = await cli(...argv);
      expect(r.code, argv[0]).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(r.stdout, argv[0]).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(r.stdout, argv[0]).toContain("\\x1b");
    }
    expect((await cli("show", id)).stdout).toContain(
      "Q3\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\u202eevil\\x0asecond line",
    );
    const json = await ok<OutlineDoc>(cli("--json", "show", id));
    expect(json.title).toBe(`${title}\nsecond line`);
  });
});

describe.runIf(canFifo)("FIFOs in the store: every command finishes (mkfifo)", () => {
  it.each(["outline.json", "audit.jsonl"])(
    "a FIFO at by_id/<id>/%s: the command reading it and rename fail WRONG_KIND, verify exits 1",
    async (file) => {
      const { cli, id, root } = await withReport();
      const path = join(root, "by_id", id, file);
      rmSync(path);
      execFileSync("mkfifo", [path]);
      // The command that reads the FIFO'd file fails typed (WRONG_KIND: exit 6); the other read
      // may succeed; rename needs both.
      const reader = file === "outline.json" ? ["show", id] : ["history", id];
      for (const argv of [reader, ["rename", id, "New"]]) {
        const r = await cli("--json", "--lock-timeout", "2000", ...argv);
        expect(r.code, argv.join(" ")).toBe(6);
        expect(JSON.parse(r.stderr).error.code, argv.join(" ")).toBe("WRONG_KIND");
      }
      const verify = await cli("verify");
      expect(verify.code).toBe(1);
    },
  );

  it("a FIFO at index.jsonl: list and verify finish", async () => {
    const { cli, root } = await withReport();
    rmSync(join(root, "index.jsonl"));
    execFileSync("mkfifo", [join(root, "index.jsonl")]);
    expect([0, 6]).toContain((await cli("list")).code);
    expect([1, 6]).toContain((await cli("verify")).code);
  });
});

describe("SIGINT and SIGTERM end a command cleanly", () => {
  it("an interrupted run closes its store: session and report locks released, exit 143", async () => {
    const { id, root, dir } = await withReport();
    const release = await holdReportLock(root, id);
    try {
      const controller = new AbortController();
      const io = captureIo({ cwd: dir });
      const pending = run(["--root", root, "--lock-timeout", "30000", "rename", id, "New"], io, {
        signal: controller.signal,
      });
      // The rename waits for the lock; its session lock exists meanwhile.
      await sessions(root, 1);
      const t0 = Date.now();
      controller.abort("SIGTERM");
      expect(await pending).toBe(143);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(io.stderr.text()).toContain("INTERRUPTED");
      expect(readdirSync(join(root, ".sessions"))).toHaveLength(0);
    } finally {
      await release();
    }
  });

  it.runIf(process.platform !== "win32")(
    "the real binary exits 130 on SIGINT while waiting for a lock, and the next command works",
    async () => {
      const { id, root, cli } = await withReport();
      const release = await holdReportLock(root, id);
      let child: ReturnType<typeof spawn> | undefined;
      try {
        child = spawn(process.execPath, [BIN, "--root", root, "rename", id, "New"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
        await sessions(root, 1);
        child.kill("SIGINT");
        expect(await exited).toBe(130);
        expect(stderr).toContain("interrupted by SIGINT");
        expect(readdirSync(join(root, ".sessions"))).toHaveLength(0);
      } finally {
        await release();
      }
      expect((await cli("rename", id, "After")).code).toBe(0);
      expect((await cli("verify")).code).toBe(0);
    },
  );
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
