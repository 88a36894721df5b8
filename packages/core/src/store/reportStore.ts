import type { IndexEntry, Outline } from "../schema/index.js";
import { assertReportId } from "../schema/index.js";
import { checkpoint } from "./commit/checkpoint.js";
import { refreshIfStale } from "./index/indexUpkeep.js";
import { rebuildIndex } from "./index/rebuildIndex.js";
import {
  renameReport,
  revertReport,
  setReportStatus,
  tagReport,
  updateReport,
} from "./operations/mutations.js";
import { createReport, forkReport, synthesizeReports } from "./operations/newReports.js";
import { deleteReport, purgeTrash, restoreFromTrash, trashEntries } from "./operations/trashOps.js";
import { readOutline } from "./reads/readOutline.js";
import { listReports, readHistory, resolveReport } from "./reads/reads.js";
import { repairStore } from "./repair/repairStore.js";
import type { StoreContext } from "./shared/context.js";
import { checkMutationOptions } from "./shared/inputChecks.js";
import { runAll } from "./shared/runAll.js";
import type {
  CreateInput,
  HistoryEvent,
  ListOptions,
  MutationOptions,
  RecoveryReport,
  RepairReport,
  ReportStatus,
  ReportStore,
  TrashEntry,
  VerifyReport,
} from "./shared/types.js";
import { verifyStore } from "./verify/index.js";

/**
 * The {@link ReportStore} over one open root. Every call first checks that the store is open
 * (CLOSED otherwise) and validates ids (INVALID_ID before any file is touched, G8).
 */
export class OpenReportStore implements ReportStore {
  constructor(
    private readonly ctx: StoreContext,
    readonly recovery: RecoveryReport,
  ) {}

  async create(input: CreateInput, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options);
    return await createReport(this.ctx, input, options);
  }

  async get(id: string): Promise<Outline> {
    this.begin();
    return await readOutline(this.ctx, id);
  }

  async update(outline: Outline, options: MutationOptions & { force?: boolean } = {}): Promise<Outline> {
    this.begin(options);
    return await updateReport(this.ctx, outline, options);
  }

  async rename(id: string, title: string, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, id);
    return await renameReport(this.ctx, id, title, options);
  }

  async tag(
    id: string,
    change: { add?: string[]; remove?: string[] },
    options: MutationOptions = {},
  ): Promise<Outline> {
    this.begin(options, id);
    return await tagReport(this.ctx, id, change, options);
  }

  async setStatus(id: string, status: ReportStatus, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, id);
    return await setReportStatus(this.ctx, id, status, options);
  }

  async archive(id: string, options: MutationOptions = {}): Promise<Outline> {
    return await this.setStatus(id, "archived", options);
  }

  async delete(id: string, options: MutationOptions = {}): Promise<TrashEntry> {
    this.begin(options, id);
    return await deleteReport(this.ctx, id, options);
  }

  async trashList(): Promise<TrashEntry[]> {
    this.begin();
    return await trashEntries(this.ctx);
  }

  async trashRestore(id: string, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, id);
    return await restoreFromTrash(this.ctx, id, options);
  }

  async trashPurge(options: { olderThanDays?: number } = {}): Promise<string[]> {
    this.begin();
    return await purgeTrash(this.ctx, options.olderThanDays);
  }

  async fork(id: string, title: string, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, id);
    return await forkReport(this.ctx, id, title, options);
  }

  async synthesize(ids: string[], title: string, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, ...(Array.isArray(ids) ? ids : []));
    return await synthesizeReports(this.ctx, ids, title, options);
  }

  async revert(id: string, actionId: string, options: MutationOptions = {}): Promise<Outline> {
    this.begin(options, id);
    return await revertReport(this.ctx, id, actionId, options);
  }

  async history(id: string): Promise<HistoryEvent[]> {
    this.begin();
    return await readHistory(this.ctx, id);
  }

  async list(options: ListOptions = {}): Promise<IndexEntry[]> {
    this.begin();
    return await listReports(this.ctx, options);
  }

  async resolve(idOrTitle: string): Promise<string> {
    this.begin();
    return await resolveReport(this.ctx, idOrTitle);
  }

  async verify(id?: string): Promise<VerifyReport> {
    this.begin(undefined, ...(id === undefined ? [] : [id]));
    return await verifyStore(this.ctx.backend, {
      ...(id === undefined ? {} : { reportId: id }),
      limits: this.ctx.options.limits,
      onProgress: this.ctx.options.onProgress,
      now: this.ctx.options.lockNow ?? (() => this.ctx.locks.clock.now()),
      ...(this.ctx.options.lock.staleMs === undefined ? {} : { staleMs: this.ctx.options.lock.staleMs }),
    });
  }

  async repair(id?: string): Promise<RepairReport> {
    this.begin(undefined, ...(id === undefined ? [] : [id]));
    return await repairStore(this.ctx, id);
  }

  async rebuildIndex(): Promise<{ reports: number }> {
    this.begin();
    await this.ctx.session.beginWrite();
    return await rebuildIndex(this.ctx, this.ctx.mended);
  }

  async close(): Promise<void> {
    // A clean session promises the next opener an index it can trust, so before the session
    // lock goes: an index left stale by a failed append is rebuilt (if that fails too, `verify`
    // reports the drift and `repair` or the next write mends it), and the appends of this
    // session are made durable, by a rebuild (atomic, durable) if their fdatasync fails.
    let unsynced: unknown;
    // The report locks kept for a next commit go first: a clean close leaves no lock behind.
    await this.ctx.leases.releaseAll().catch(() => undefined);
    if (!this.ctx.options.readOnly && !this.ctx.session.isClosed) {
      await checkpoint(this.ctx);
      if (this.ctx.index.stale !== undefined) await refreshIfStale(this.ctx).catch(() => undefined);
      try {
        await this.ctx.index.flush();
      } catch {
        await rebuildIndex(this.ctx, this.ctx.mended).catch((err: unknown) => {
          unsynced = err;
        });
      }
    }
    // Every step runs whatever the one before did (a failed session-lock removal must not keep
    // the logs open or the lock timers running); the first failure is thrown. A rebuild above
    // may have kept the index lock again: the leases go first.
    await runAll([
      async () => {
        if (unsynced !== undefined) throw unsynced;
      },
      () => this.ctx.leases.releaseAll().catch(() => undefined), // locks.close() below releases what this could not
      () => this.ctx.session.close(),
      () => this.ctx.audit.closeAll(),
      () => this.ctx.index.closeAppendHandle(),
      () => this.ctx.locks.close(),
    ]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private begin(options?: MutationOptions, ...ids: string[]): void {
    this.ctx.session.assertOpen();
    for (const id of ids) assertReportId(id);
    if (options !== undefined) checkMutationOptions(options);
  }
}
