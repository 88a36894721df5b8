/**
 * What the crashcheck script and its worker threads both need from outside testkit: the memfs
 * disk model and the node-fs materializer. Plain JavaScript, so that a worker thread can load
 * it without a TypeScript loader (tsx's hooks do not reach worker threads on Node 20).
 */
import { memfsDisks } from "../../memfs/dist/index.js";
import { nodeFsBackend } from "../../node-fs/dist/index.js";
import { directoryMaterializer } from "../dist/index.js";

export { memfsDisks };

/** @type {import("../dist/index.js").CrashcheckJobIo} */
export const jobIo = {
  disks: memfsDisks,
  materializeNodeFs: directoryMaterializer((root) => nodeFsBackend({ root })),
};
