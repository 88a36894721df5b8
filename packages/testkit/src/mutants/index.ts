export {
  indexRewriteChecker,
  indexRewriteWorkload,
  lockedIndexRewriteWorkload,
  MemoryIndex,
} from "./indexRewriteWorkload.js";
export {
  auditLogAppender,
  type LogAppender,
  logAppendChecker,
  logAppendWorkload,
  pythonAppender,
} from "./logAppendWorkload.js";
export { MutantBackend, type MutantRules } from "./mutantBackend.js";
export { pythonAppend } from "./pythonAppend.js";
export { type MutantResult, type MutantRunOptions, runMutant } from "./runMutants.js";
export { type Mutant, standardMutants } from "./standardMutants.js";
