import type { Position } from "./context.js";
import { bytesOf, encodingOf, type WriteData } from "./data.js";

/** A read's arguments, from node:fs's overloads (`buffer, offset, length, position` or an options object). */
export interface ReadArgs {
  readonly buffer: ArrayBufferView;
  readonly offset: number;
  readonly length: number;
  readonly position: Position;
}

interface ReadOptions {
  buffer?: ArrayBufferView;
  offset?: number;
  length?: number;
  position?: Position;
}

/** Decodes `(buffer, offset?, length?, position?)`, `(buffer, options)` or `(options)`. */
export function readArgs(args: readonly unknown[]): ReadArgs {
  const [first, second, third, fourth] = args;
  if (ArrayBuffer.isView(first)) {
    if (typeof second === "object" && second !== null)
      return fromOptions({ ...(second as ReadOptions), buffer: first });
    const offset = (second as number | undefined) ?? 0;
    return {
      buffer: first,
      offset,
      length: (third as number | undefined) ?? first.byteLength - offset,
      position: fourth as Position,
    };
  }
  return fromOptions((first as ReadOptions | undefined) ?? {});
}

function fromOptions(options: ReadOptions): ReadArgs {
  const buffer = options.buffer ?? Buffer.alloc(16384);
  const offset = options.offset ?? 0;
  return { buffer, offset, length: options.length ?? buffer.byteLength - offset, position: options.position };
}

/** A write's arguments: the bytes (a string encoded) and the position. */
export interface WriteArgs {
  readonly bytes: Uint8Array;
  readonly position: Position;
}

/** Decodes `(buffer, offset?, length?, position?)`, `(buffer, options)` or `(string, position?, encoding?)`. */
export function writeArgs(data: WriteData, args: readonly unknown[]): WriteArgs {
  const [second, third, fourth] = args;
  if (typeof data === "string") {
    if (typeof second === "object" && second !== null) {
      const o = second as { position?: Position; encoding?: BufferEncoding };
      return { bytes: bytesOf(data, o.encoding), position: o.position };
    }
    return { bytes: bytesOf(data, encodingOf(third)), position: second as Position };
  }
  const view = bytesOf(data, undefined);
  if (typeof second === "object" && second !== null) {
    const o = second as { offset?: number; length?: number; position?: Position };
    const offset = o.offset ?? 0;
    return {
      bytes: view.subarray(offset, offset + (o.length ?? view.length - offset)),
      position: o.position,
    };
  }
  const offset = (second as number | undefined) ?? 0;
  const length = (third as number | undefined) ?? view.length - offset;
  return { bytes: view.subarray(offset, offset + length), position: fourth as Position };
}

/** A time argument of utimes (seconds, a numeric string, or a Date) as milliseconds. */
export function timeArg(time: unknown): number | Date {
  return time instanceof Date ? time : Number(time);
}
