import { DelegatingBackend, type StorageBackend } from "@living-reports/core";

/**
 * `backend` as another process sees the store: its own storage id, so no in-process lock queue
 * (or lease hand-off in memory) is shared with stores opened on `backend` itself.
 */
export function anotherProcess(backend: StorageBackend): StorageBackend {
  return new (class extends DelegatingBackend {
    override get storageId(): string {
      return `${this.inner.storageId}#another-process`;
    }
  })(backend);
}
