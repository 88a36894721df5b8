import { ErrorCode, LivingReportsError, openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { readText, withStore } from "./storeSupport.js";
import { expectError } from "./support/expectError.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/**
 * A call that must settle well within this bound: a blocking open(2) on a FIFO never returns at
 * all (it blocks the thread, so no timer fires either); the bound catches a slower hang, such as
 * a wait for a lock that the failed call left behind.
 */
const SETTLE_MS = 10_000;

async function settles<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${SETTLE_MS} ms`)), SETTLE_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Replaces the file at `path` with a FIFO. */
async function fifoAt(target: ConformanceTarget, root: TargetRoot, path: string): Promise<void> {
  if (target.makeFifo === undefined) throw new Error(`${target.name} cannot make a FIFO`);
  await root.backend.unlink(path).catch(() => undefined);
  await target.makeFifo(root, path);
}

/**
 * A FIFO (or another non-regular file) where a regular file is expected is refused with a typed
 * error before anything could block: by every open mode and `readFile` of the backend, and by the
 * store's reads and writes for each file the store opens (outline, audit log, index). Runs where
 * the target can make a FIFO (`makeFifo`); memfs has none, and refuses non-regular nodes the same
 * way in its `open` and `readFile`.
 */
export function describeNonRegularFiles(target: ConformanceTarget): void {
  const why = "the backend cannot make a FIFO (no makeFifo on this target)";
  describe.runIf(target.makeFifo !== undefined)(titleOf(target, "non-regular files: FIFOs refused"), () => {
    it("open in every mode and readFile refuse a FIFO with WRONG_KIND, without blocking", () =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await fifoAt(target, root, "pipe");
        for (const mode of ["r", "r+", "w", "a"] as const) {
          const err = await settles(
            `open ${mode}`,
            expectError(backend.open("pipe", mode), ErrorCode.WRONG_KIND),
          );
          expect(err.path).toBe("pipe");
        }
        await settles("open wx", expectError(backend.open("pipe", "wx"), ErrorCode.ALREADY_EXISTS));
        await settles("readFile", expectError(backend.readFile("pipe"), ErrorCode.WRONG_KIND));
        expect((await backend.stat("pipe")).kind).toBe("other");
      }));

    for (const file of ["outline.json", "audit.jsonl"] as const) {
      it(`a FIFO at by_id/<id>/${file}: get, history, rename and verify end with a typed error or a report`, () =>
        withStore(target, async (store, root) => {
          const a = await store.create({ title: "Keep" });
          const dir = `by_id/${a.report_id}`;
          const other = file === "outline.json" ? "audit.jsonl" : "outline.json";
          const otherBefore = await readText(root.backend, `${dir}/${other}`);
          await fifoAt(target, root, `${dir}/${file}`);
          const outcomes = [
            await settles(
              "get",
              store.get(a.report_id).then(() => "ok", codeOf),
            ),
            await settles(
              "history",
              store.history(a.report_id).then(() => "ok", codeOf),
            ),
            await settles(
              "rename",
              store.rename(a.report_id, "Renamed").then(() => "ok", codeOf),
            ),
          ];
          // A read of the FIFO'd file fails typed; nothing resolves by reading it as empty.
          if (file === "outline.json") expect(outcomes[0]).toBe(ErrorCode.WRONG_KIND);
          else expect(outcomes[1]).toBe(ErrorCode.WRONG_KIND);
          expect(outcomes[2], "rename over a FIFO").not.toBe("ok");
          for (const o of outcomes) expect(o === "ok" || isCode(o), `outcome ${o}`).toBe(true);
          expect(await readText(root.backend, `${dir}/${other}`)).toBe(otherBefore);
          const reader = await openReports(root.another(), { readOnly: true });
          try {
            const report = await settles(
              "verify",
              reader.verify().catch((err: unknown) => ({ ok: false, thrown: codeOf(err) })),
            );
            expect(report.ok).toBe(false);
          } finally {
            await reader.close();
          }
        }));
    }

    it("a FIFO at index.jsonl: list and create end with a typed error or succeed, never hang", () =>
      withStore(target, async (store, root) => {
        await store.create({ title: "Keep" });
        await fifoAt(target, root, "index.jsonl");
        const list = await settles(
          "list",
          store.list().then(() => "ok", codeOf),
        );
        const create = await settles(
          "create",
          store.create({ title: "New" }).then(() => "ok", codeOf),
        );
        for (const o of [list, create]) expect(o === "ok" || isCode(o), `outcome ${o}`).toBe(true);
        const other = await settles(
          "openReports",
          openReports(root.another(), { readOnly: true }).then(async (s) => {
            await s.close();
            return "ok";
          }, codeOf),
        );
        expect(other === "ok" || isCode(other), `outcome ${other}`).toBe(true);
      }));
  });
  if (target.makeFifo === undefined) {
    describe.skipIf(true)(titleOf(target, `non-regular files: ${why}`), () => {
      it("FIFO cases", () => undefined);
    });
  }
}

function codeOf(err: unknown): string {
  return err instanceof LivingReportsError ? err.code : `UNTYPED ${String(err)}`;
}

function isCode(value: string): boolean {
  return (Object.values(ErrorCode) as string[]).includes(value);
}
