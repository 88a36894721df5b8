import type { CommandSpec } from "./command.js";
import { archiveCommand } from "./commands/archive.js";
import { crashcheckCommand } from "./commands/crashcheck.js";
import { createCommand } from "./commands/create.js";
import { deleteCommand } from "./commands/delete.js";
import { demoCommand } from "./commands/demo.js";
import { forkCommand } from "./commands/fork.js";
import { historyCommand } from "./commands/history.js";
import { initCommand } from "./commands/init.js";
import { listCommand } from "./commands/list.js";
import { rebuildIndexCommand } from "./commands/rebuildIndex.js";
import { renameCommand } from "./commands/rename.js";
import { repairCommand } from "./commands/repair.js";
import { revertCommand } from "./commands/revert.js";
import { showCommand } from "./commands/show.js";
import { synthesizeCommand } from "./commands/synthesize.js";
import { tagCommand } from "./commands/tag.js";
import { trashCommand } from "./commands/trash.js";
import { updateCommand } from "./commands/update.js";
import { verifyCommand } from "./commands/verify.js";

/** Every command of `living-reports`, in the order `--help` lists them (docs/CLI.md). */
export const COMMANDS: readonly CommandSpec[] = [
  initCommand,
  createCommand,
  listCommand,
  showCommand,
  updateCommand,
  renameCommand,
  tagCommand,
  archiveCommand,
  deleteCommand,
  trashCommand,
  forkCommand,
  synthesizeCommand,
  historyCommand,
  revertCommand,
  verifyCommand,
  repairCommand,
  rebuildIndexCommand,
  demoCommand,
  crashcheckCommand,
];
