export { MutantBackend, type MutantRules } from "./mutantBackend.js";
export { type MutantResult, type MutantRunOptions, runMutant } from "./runMutants.js";
export { type Mutant, standardMutants } from "./standardMutants.js";
