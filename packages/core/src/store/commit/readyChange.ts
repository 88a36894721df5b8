import type { ActionType, Outline } from "../../schema/index.js";
import type { MutationOptions } from "../shared/types.js";

/** A change to commit: the next outline (the store sets its version and `updated_at`) and its event. */
export interface PlannedChange {
  outline: Outline;
  /**
   * The outline passed `validateOutline` already (the caller's input, validated before the lock
   * was taken): only its size is checked again, so an update is validated once.
   */
  validated?: boolean;
  action: ActionType;
  /** The event payload, given the name of the backup of the state before the change. */
  payload: (backupFilename: string) => Record<string, unknown>;
}

/** A planned change made concrete under the lock: the next outline, its bytes and their hash. */
export interface ReadyChange {
  change: PlannedChange;
  next: Outline;
  bytes: Uint8Array;
  sha: string;
  at: Date;
  options: MutationOptions;
}
