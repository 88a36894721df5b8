import type { LockOptions } from "@living-reports/core";

/** The configuration a writer process (`workers/writer.mjs`) receives as its JSON argument. */
export interface WriterConfig {
  /** The store's root on the host. */
  root: string;
  /** Unique name of the writer; its request ids are `<name>-<n>`. */
  name: string;
  /** Ids of the shared reports it may touch (it adds the ones it creates). */
  reports: string[];
  /** How many operations to perform in all (0: until killed). */
  ops: number;
  /** Seed of its choices. */
  seed: number;
  /** Operations kept in flight at once on its one store (exercises the in-process lock queue). */
  inFlight: number;
  lock: LockOptions;
  /** Its journal (`start` / `ack` / `fail` lines). */
  journal: string;
  /** The shared lock-holder log and marker directory, when locks are logged. */
  lockLog?: string;
  marks?: string;
}

/** Kinds of operation a writer performs. */
export type OpKind = "create" | "tag" | "updateExpected" | "updateImplicit" | "append";

/** One line of a writer's journal. */
export type JournalLine =
  | { t: "open"; pid: number }
  | { t: "done" }
  | { t: "start"; op: string; kind: OpKind; report?: string }
  | { t: "ack"; op: string; kind: OpKind; report: string; version: number }
  | { t: "fail"; op: string; kind: OpKind; report?: string; code: string; message: string };
