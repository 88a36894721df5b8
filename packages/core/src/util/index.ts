export { EMPTY_SHA256, sha256Hex } from "./hash.js";
export { jsonTextDepth, valueDepth } from "./json.js";
