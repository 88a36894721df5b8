import { CRASH_MODES } from "@living-reports/core";
import fc from "fast-check";
import { FAULT_OPS, type FaultOp } from "../faults/faultRule.js";
import { CrashCommand } from "./commands/crashCommand.js";
import { CreateCommand } from "./commands/createCommand.js";
import { DeleteCommand } from "./commands/deleteCommand.js";
import { FaultCommand } from "./commands/faultCommand.js";
import { ForkCommand } from "./commands/forkCommand.js";
import { GetCommand } from "./commands/getCommand.js";
import { HistoryCommand } from "./commands/historyCommand.js";
import { ListCommand } from "./commands/listCommand.js";
import type { ModelCommand, OperationCommand } from "./commands/operationCommand.js";
import { RenameCommand } from "./commands/renameCommand.js";
import { RestoreCommand } from "./commands/restoreCommand.js";
import { RevertCommand } from "./commands/revertCommand.js";
import { StaleVersionCommand } from "./commands/staleVersionCommand.js";
import { StatusCommand } from "./commands/statusCommand.js";
import { TagCommand } from "./commands/tagCommand.js";
import { UpdateCommand } from "./commands/updateCommand.js";

const TAGS = ["red", "green", "blue"] as const;

const title = fc.constantFrom("Alpha", "Beta", "Revenue Q1", "Δ growth ✓");
const tags = fc.subarray([...TAGS]);
/** Which report: an index into the model's reports, taken modulo their number. */
const pick = fc.nat({ max: 7 });
const seed = fc.nat({ max: 99 });
const sectionCount = fc.integer({ min: 0, max: 2 });

/**
 * The calls of a commit a fault can hit: every fault op but handle `read` and `truncate`, which
 * commits never make (same order as FAULT_OPS, so seeded runs pick the same ops).
 */
const FAULTABLE: readonly FaultOp[] = FAULT_OPS.filter((op) => op !== "read" && op !== "truncate");

/** Operations on existing reports: their outcome is known in advance, so they also run under faults. */
export function reportOperations(): fc.Arbitrary<OperationCommand>[] {
  return [
    fc.tuple(pick, title).map(([p, t]) => new RenameCommand(p, t)),
    fc.tuple(pick, tags, tags).map(([p, add, remove]) => new TagCommand(p, add, remove)),
    fc
      .tuple(pick, fc.constantFrom("archived", "active") as fc.Arbitrary<"archived" | "active">)
      .map(([p, s]) => new StatusCommand(p, s)),
    fc
      .tuple(
        pick,
        title,
        seed,
        sectionCount,
        fc.constantFrom("implicit", "explicit", "force") as fc.Arbitrary<"implicit" | "explicit" | "force">,
      )
      .map(([p, t, s, n, mode]) => new UpdateCommand(p, t, s, n, mode)),
    fc.tuple(pick, fc.nat({ max: 15 })).map(([p, e]) => new RevertCommand(p, e)),
    pick.map((p) => new DeleteCommand(p)),
    pick.map((p) => new RestoreCommand(p)),
    fc
      .tuple(
        pick,
        fc.constantFrom("update", "rename", "tag", "archive", "delete") as fc.Arbitrary<
          "update" | "rename" | "tag" | "archive" | "delete"
        >,
        fc.nat({ max: 2 }),
      )
      .map(([p, target, ahead]) => new StaleVersionCommand(p, target, ahead)),
  ];
}

/** One operation on an existing report with one injected fault, then a recovery. */
export function faultCommand(): fc.Arbitrary<ModelCommand> {
  return fc
    .tuple(
      fc.oneof(...reportOperations()),
      fc.constantFrom(...FAULTABLE),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom("EIO", "ENOSPC", "EACCES") as fc.Arbitrary<"EIO" | "ENOSPC" | "EACCES">,
      fc.constantFrom("repair", "reopen") as fc.Arbitrary<"repair" | "reopen">,
    )
    .map(
      ([operation, op, nth, errno, recovery]) => new FaultCommand(operation, { op, nth, errno }, recovery),
    );
}

/**
 * Every command of the model-based run: each store operation and read, crashes (power loss in
 * each mode where the backend simulates it, else a process death) and faults. Creation is
 * listed twice so that runs reach several reports.
 */
export function storeCommands(): fc.Arbitrary<ModelCommand>[] {
  const create = fc
    .tuple(title, tags, seed, sectionCount)
    .map(([t, tg, s, n]) => new CreateCommand(t, tg, s, n) as ModelCommand);
  return [
    create,
    create,
    fc.tuple(pick, title).map(([p, t]) => new ForkCommand(p, t)),
    ...reportOperations(),
    pick.map((p) => new GetCommand(p)),
    pick.map((p) => new HistoryCommand(p)),
    fc
      .record({
        tag: fc.option(fc.constantFrom(...TAGS), { nil: undefined }),
        status: fc.constantFrom(undefined, "active", "archived") as fc.Arbitrary<
          "active" | "archived" | undefined
        >,
      })
      .map((query) => new ListCommand(query)),
    fc.tuple(fc.constantFrom(...CRASH_MODES), fc.nat()).map(([mode, s]) => new CrashCommand(mode, s)),
    faultCommand(),
  ];
}
