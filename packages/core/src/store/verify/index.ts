export { VerifyCode } from "./problemCodes.js";
export { type VerifyOptions, verifyStore } from "./verifyStore.js";
