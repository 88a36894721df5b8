export {
  FAULT_ERROR_CODES,
  FAULT_OPS,
  type FaultErrorCode,
  type FaultOp,
  type FaultPlan,
  type FaultRule,
  type FiredFault,
} from "./faultRule.js";
export { FaultyBackend, injectFaults } from "./faultyBackend.js";
export { InjectedFault } from "./injectedFault.js";
