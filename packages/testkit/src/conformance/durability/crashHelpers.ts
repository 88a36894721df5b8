import {
  type CrashMode,
  type CrashOptions,
  ErrorCode,
  LivingReportsError,
  type StorageBackend,
} from "@living-reports/core";
import type { TargetRoot } from "../target.js";

/** The seeds each mode is tried with: a few, so a test stays fast but sees more than one state. */
export const CRASH_SEEDS: readonly number[] = [1, 2, 3];

/**
 * Simulates a power loss on `root` and returns the backend over what survived.
 * @throws LivingReportsError INVALID_INPUT when the root has no crash model (callers skip such roots)
 */
export function crash(root: TargetRoot, options: CrashOptions): StorageBackend {
  if (root.crash === undefined) {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, "this root has no simulated crash");
  }
  return root.crash(options);
}

/** Every (mode, seed) pair to try. */
export function crashCases(modes: readonly CrashMode[]): [CrashMode, number][] {
  return modes.flatMap((mode) => CRASH_SEEDS.map((seed): [CrashMode, number] => [mode, seed]));
}

/** The content of `path` after a crash, or `null` when the crash left no such file. */
export async function contentOrNull(backend: StorageBackend, path: string): Promise<string | null> {
  const bytes = await bytesOrNull(backend, path);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** The bytes of `path` after a crash, or `null` when the crash left no such file. */
export async function bytesOrNull(backend: StorageBackend, path: string): Promise<Uint8Array | null> {
  try {
    return await backend.readFile(path);
  } catch (err) {
    if (err instanceof LivingReportsError && err.code === ErrorCode.NOT_FOUND) return null;
    throw err;
  }
}
