import { createHash } from "node:crypto";

/**
 * SHA-256 of `data` as 64 lowercase hex digits. A string is hashed as its UTF-8 bytes, so
 * `sha256Hex(text)` equals `sha256Hex(new TextEncoder().encode(text))` (and `sha256sum`).
 * Never throws.
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256Hex` of no bytes: the chain value before the first line of an audit log. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
