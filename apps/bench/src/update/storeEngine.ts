import { type Outline, openReports, type StorageBackend } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { outlineOfSize } from "../fixtures.js";
import type { UpdateEngine, UpdateSession } from "./engine.js";

/** The size of the outline an update commits (an outline-sized JSON, as `replace-4k`). */
export const OUTLINE_BYTES = 4096;

/** A backend opened for one writer of the bench, and how to let it go. */
export interface OpenedBackend {
  backend: StorageBackend;
  close(): Promise<void>;
}

/**
 * Opens a backend on the store of the trial folder `dir`: a node:fs backend roots itself there;
 * another backend derives its store's name from it, so that every process of a trial (given the
 * same `dir`) reaches the same store and every trial a fresh one.
 */
export type StoreBackendFactory = (dir: string) => Promise<OpenedBackend>;

/** living-reports over `nodeFsBackend` (the `living-reports` contender). */
export const nodeFsStoreFactory: StoreBackendFactory = async (dir) => ({
  backend: nodeFsBackend({ root: dir }),
  close: async () => undefined,
});

/**
 * living-reports (`openReports`, `create`, `update`) over the backends `factory` opens: the
 * update is `store.update` of the report's outline with a new title. `dispose`, when given,
 * removes a trial's store that does not live in its folder (see {@link UpdateEngine.dispose}).
 */
export function storeEngine(
  factory: StoreBackendFactory,
  options: { dispose?: (dir: string) => Promise<void> } = {},
): UpdateEngine {
  return {
    ...(options.dispose === undefined ? {} : { dispose: options.dispose }),
    prepare: async (dir) => {
      const opened = await factory(dir);
      try {
        const store = await openReports(opened.backend, { create: true, actor: "agent" });
        await store.close();
      } finally {
        await opened.close();
      }
    },
    open: async (dir) => {
      const opened = await factory(dir);
      const store = await openReports(opened.backend, { actor: "agent" });
      const outlines: Outline[] = [];
      const session: UpdateSession = {
        create: async () => {
          const seed = outlineOfSize(OUTLINE_BYTES);
          const outline = await store.create({
            title: seed.title,
            sections: seed.sections,
            insights: seed.insights,
            tags: ["growth"],
          });
          return outlines.push(outline) - 1;
        },
        update: async (report, i) => {
          const outline = outlines[report];
          if (outline === undefined) throw new Error(`no report ${report} in this session`);
          outlines[report] = await store.update({ ...outline, title: `Growth review ${i}` });
        },
        close: async () => {
          try {
            await store.close();
          } finally {
            await opened.close();
          }
        },
      };
      return session;
    },
  };
}
