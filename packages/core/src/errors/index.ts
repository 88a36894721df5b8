export { ERROR_CODES, ErrorCode } from "./errorCodes.js";
export { fromSystemError } from "./fromSystemError.js";
export {
  isLivingReportsError,
  LivingReportsError,
  type LivingReportsErrorOptions,
} from "./livingReportsError.js";
