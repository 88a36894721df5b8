import type { StorageBackend } from "../../backend/storageBackend.js";
import { atomicReplace } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { BY_ID, FORMAT_FILE } from "./layout.js";

/**
 * The store format this library writes and the newest it reads. 2: audit records may carry the
 * outline they commit, and `outline.json`, its backup and the index line may lag behind the log's
 * head after a crash until recovery rolls them forward (docs/FORMAT.md#format): a reader of
 * format 1 would misjudge such a store, so it refuses it.
 */
export const FORMAT_VERSION = 2;

/** The exact bytes of the `FORMAT` marker this library writes. */
export const FORMAT_TEXT = `${JSON.stringify({ format: "living-reports", version: FORMAT_VERSION })}\n`;

/**
 * What the root holds: `current` (a FORMAT marker of {@link FORMAT_VERSION}), `older` (a marker
 * of an older format this library reads; raised at the first write that needs the new one),
 * `legacy` (`by_id/` without FORMAT: a store the Python module wrote, marked at its first
 * write), or `none`.
 */
export type RootKind = "current" | "older" | "legacy" | "none";

/**
 * Reads the root's FORMAT marker.
 *
 * @throws LivingReportsError UNSUPPORTED_FORMAT for a newer format; CORRUPT_FILE for a marker
 *   that is not one; storage errors as mapped by the backend
 */
export async function readRootKind(backend: StorageBackend): Promise<RootKind> {
  let bytes: Uint8Array;
  try {
    bytes = await backend.readFile(FORMAT_FILE);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
    return (await isDirectory(backend, BY_ID)) ? "legacy" : "none";
  }
  const version = parseMarker(bytes);
  if (version > FORMAT_VERSION) {
    throw new LivingReportsError(
      ErrorCode.UNSUPPORTED_FORMAT,
      `store format ${version} is newer than this library understands (${FORMAT_VERSION})`,
      { path: FORMAT_FILE, details: { version, supported: FORMAT_VERSION } },
    );
  }
  return version < FORMAT_VERSION ? "older" : "current";
}

/** Writes the FORMAT marker by atomic replace (durable once this resolves). */
export async function writeFormatMarker(backend: StorageBackend): Promise<void> {
  await atomicReplace(backend, FORMAT_FILE, new TextEncoder().encode(FORMAT_TEXT));
}

/** True when `path` is a directory (false when absent). */
export async function isDirectory(backend: StorageBackend, path: string): Promise<boolean> {
  try {
    return (await backend.stat(path)).kind === "directory";
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
    throw err;
  }
}

function parseMarker(bytes: Uint8Array): number {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw corrupt("is not JSON", cause);
  }
  if (typeof value !== "object" || value === null) throw corrupt("is not an object");
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== "living-reports") throw corrupt(`names format ${JSON.stringify(format)}`);
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw corrupt(`has version ${JSON.stringify(version)}`);
  }
  return version;
}

function corrupt(why: string, cause?: unknown): LivingReportsError {
  return new LivingReportsError(ErrorCode.CORRUPT_FILE, `the FORMAT marker ${why}`, {
    path: FORMAT_FILE,
    ...(cause === undefined ? {} : { cause }),
  });
}
