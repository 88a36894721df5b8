/** Data as node:fs accepts it for writes. */
export type WriteData = string | ArrayBufferView;

/** The options argument of readFile/writeFile/appendFile/readdir: an encoding or an object. */
export type EncodingOptions =
  | BufferEncoding
  | { encoding?: BufferEncoding | null; flag?: string | number; flush?: boolean; mode?: number }
  | null
  | undefined;

/** The encoding an options argument names, if any. */
export function encodingOf(options: unknown): BufferEncoding | undefined {
  if (typeof options === "string") return options as BufferEncoding;
  if (typeof options === "object" && options !== null) {
    const encoding = (options as { encoding?: unknown }).encoding;
    if (typeof encoding === "string" && encoding !== "buffer") return encoding as BufferEncoding;
  }
  return undefined;
}

/** An option of an options object (undefined for a string or nothing). */
export function optionOf<T>(options: unknown, key: string): T | undefined {
  return typeof options === "object" && options !== null
    ? ((options as Record<string, unknown>)[key] as T)
    : undefined;
}

/** The bytes of write data: a string encoded, a view's bytes (not copied). */
export function bytesOf(data: WriteData, encoding: BufferEncoding | undefined): Uint8Array {
  if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw Object.assign(
    new TypeError(
      'The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ' +
        typeof data,
    ),
    { code: "ERR_INVALID_ARG_TYPE" },
  );
}

/** A read's result as node:fs returns it: a Buffer, or a string when an encoding is asked for. */
export function decoded(bytes: Uint8Array, encoding: BufferEncoding | undefined): Buffer | string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === undefined ? Buffer.from(buffer) : buffer.toString(encoding);
}
