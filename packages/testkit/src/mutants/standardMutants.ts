import { type CrashMode, isTempName, type StorageBackend } from "@living-reports/core";
import type { CrashChecker, Workload } from "../explorer/workload.js";
import { EVOLVE_RETENTION, evolveStrictWorkload, evolveWorkload } from "../workloads/standardWorkloads.js";
import { storeChecker } from "../workloads/storeChecker.js";
import {
  indexRewriteChecker,
  indexRewriteWorkload,
  lockedIndexRewriteWorkload,
} from "./indexRewriteWorkload.js";
import {
  auditLogAppender,
  logAppendChecker,
  logAppendWorkload,
  pythonAppender,
} from "./logAppendWorkload.js";
import { MutantBackend, type MutantRules } from "./mutantBackend.js";

/**
 * A deliberately broken variant of a durable primitive and the workload that should expose it.
 * The explorer catches it when the mutant run shows a violation that the `control` run (the same
 * workload on the correct code) does not.
 */
export interface Mutant {
  readonly name: string;
  readonly description: string;
  readonly mode: CrashMode;
  readonly workload: Workload;
  readonly checker: CrashChecker;
  /** The broken backend, for mutants of the backend calls the primitives make. */
  readonly wrapBackend?: (backend: StorageBackend) => StorageBackend;
  /** The same scenario on correct code (default: `workload` unwrapped). */
  readonly control?: { readonly workload: Workload; readonly checker: CrashChecker };
}

function backendMutant(
  name: string,
  description: string,
  rules: MutantRules,
  workload = evolveWorkload,
): Mutant {
  return {
    name,
    description,
    mode: "prefix",
    workload,
    checker: storeChecker({ backupRetention: EVOLVE_RETENTION }),
    wrapBackend: (backend) => new MutantBackend(backend, rules),
  };
}

/** The mutants of issue 4, each of which the explorer must catch. */
export function standardMutants(): Mutant[] {
  return [
    backendMutant(
      "no-fsync-before-rename",
      "atomic replace renames a temp file it never fsynced (strict protocol)",
      { skipSync: (path) => isTempName(path) },
      evolveStrictWorkload,
    ),
    backendMutant("no-dir-fsync", "no directory fsync after a rename or a create", {
      skipSyncDir: () => true,
    }),
    backendMutant("ack-before-fdatasync", "an audit append is acknowledged without its fdatasync", {
      skipDatasync: (path) => path.endsWith("/audit.jsonl"),
    }),
    backendMutant(
      "backup-not-durable",
      "the backup's link is not made durable before the outline is replaced (strict protocol)",
      { skipSyncDir: (path) => path.endsWith("/backups") },
      evolveStrictWorkload,
    ),
    backendMutant(
      "checkpoint-not-durable",
      "the checkpoint at close claims the files written after their commit point durable without syncing them",
      { skipSync: (path) => !isTempName(path) },
    ),
    {
      name: "python-append",
      description: "the Python module's temp-file-then-copy audit append",
      mode: "torn",
      workload: logAppendWorkload(pythonAppender),
      checker: logAppendChecker(pythonAppender),
      control: { workload: logAppendWorkload(auditLogAppender), checker: logAppendChecker(auditLogAppender) },
    },
    {
      name: "index-rewrite-no-lock",
      description: "the index rewritten whole from one process's memory, without a lock",
      mode: "prefix",
      workload: indexRewriteWorkload,
      checker: indexRewriteChecker,
      control: { workload: lockedIndexRewriteWorkload, checker: indexRewriteChecker },
    },
  ];
}
