/**
 * A crashcheck worker thread: explores the jobs it is given (`workerData`, plain data) one
 * after another and posts back their results, in the same order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runCrashcheckJob } from "../dist/index.js";
import { jobIo } from "./crashcheckIo.mjs";

const results = [];
for (const job of workerData) results.push(await runCrashcheckJob(job, jobIo));
parentPort?.postMessage(results);
