import type { FileHandle, OpenMode, StorageBackend } from "@living-reports/core";
import { DelegatingBackend, DelegatingHandle } from "../support/delegatingBackend.js";

/** Which durability calls a {@link MutantBackend} turns into no-ops (they still resolve). */
export interface MutantRules {
  /** `sync()` of a handle whose path this accepts does nothing. */
  readonly skipSync?: (path: string) => boolean;
  /** `datasync()` of a handle whose path this accepts does nothing. */
  readonly skipDatasync?: (path: string) => boolean;
  /** `syncDir(path)` for a directory this accepts does nothing. */
  readonly skipSyncDir?: (path: string) => boolean;
}

/**
 * A deliberately broken backend: it forwards everything to `inner` except the durability calls
 * its rules skip, which resolve at once as if they had worked. That is the bug of an
 * implementation that forgets the call, so the crash explorer must catch every such mutant.
 */
export class MutantBackend extends DelegatingBackend {
  constructor(
    inner: StorageBackend,
    private readonly rules: MutantRules,
  ) {
    super(inner);
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    return new MutantHandle(await this.inner.open(path, mode), this.rules);
  }

  override syncDir(path: string): Promise<void> {
    return this.rules.skipSyncDir?.(path) === true ? Promise.resolve() : this.inner.syncDir(path);
  }
}

class MutantHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly rules: MutantRules,
  ) {
    super(inner);
  }

  override sync(): Promise<void> {
    return this.rules.skipSync?.(this.inner.path) === true ? Promise.resolve() : this.inner.sync();
  }

  override datasync(): Promise<void> {
    return this.rules.skipDatasync?.(this.inner.path) === true ? Promise.resolve() : this.inner.datasync();
  }
}
