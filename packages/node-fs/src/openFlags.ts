import * as fs from "node:fs";
import type { OpenMode } from "@living-reports/core";

const C = fs.constants;
/** `O_NOFOLLOW` where the platform has it (not on Windows, where symlinks need privileges). */
export const O_NOFOLLOW: number = C.O_NOFOLLOW ?? 0;
/**
 * `O_NONBLOCK` where the platform has it: opening a FIFO (or a device) read-only otherwise blocks
 * until a writer appears, before any check of what the path is could run. On a regular file the
 * flag changes nothing (Linux, macOS), so every open carries it and the kind is checked after.
 */
export const O_NONBLOCK: number = C.O_NONBLOCK ?? 0;
/** `O_DIRECTORY` where the platform has it. */
export const O_DIRECTORY: number = C.O_DIRECTORY ?? 0;

// Writable handles can read too (the interface lets any handle read back what it wrote).
const MODE_FLAGS: Readonly<Record<OpenMode, number>> = {
  r: C.O_RDONLY,
  "r+": C.O_RDWR,
  w: C.O_RDWR | C.O_CREAT | C.O_TRUNC,
  wx: C.O_RDWR | C.O_CREAT | C.O_EXCL,
  a: C.O_RDWR | C.O_CREAT | C.O_APPEND,
};

/**
 * The `open(2)` flags of a backend open mode, always with `O_NOFOLLOW` so that a symlink as the
 * last component fails (ELOOP) instead of being followed out of the root (G8), and `O_NONBLOCK`
 * so that a FIFO where a file is expected cannot hang the open (the backend then refuses it).
 */
export function openFlags(mode: OpenMode): number {
  return MODE_FLAGS[mode] | O_NOFOLLOW | O_NONBLOCK;
}
