const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * The string UTF-8 `bytes` encode.
 * @throws TypeError on invalid UTF-8 (a test reading back what it wrote must get valid text)
 */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
