import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { jsonTextDepth, valueDepth } from "../util/json.js";
import { describeIssues } from "./issues.js";
import { type Outline, OutlineSchema } from "./outline.js";

/** Size and nesting limits for outlines, on input and on read (docs/GUARANTEES.md). */
export interface OutlineLimits {
  /** Largest outline in bytes of its UTF-8 JSON (default 16 MiB): over it, TOO_LARGE. */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays, the outline itself being 1 (default 64): over it, TOO_DEEP. */
  maxDepth?: number;
}

/** The default limits: 16 MiB and 64 levels. */
export const DEFAULT_LIMITS: Readonly<Required<OutlineLimits>> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
});

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Parses the bytes of an `outline.json` (or a backup). Checks in order of cost, so a hostile
 * file is refused before it is parsed: size on the byte length, UTF-8 validity, nesting depth by
 * a linear scan of the text (a million-deep input cannot overflow the stack), JSON syntax, then
 * the strict schema. A leading UTF-8 byte-order mark is refused as not what any writer produces.
 *
 * @param path - the root-relative path, carried by any error
 * @returns the validated outline, defaults filled in
 * @throws LivingReportsError TOO_LARGE | CORRUPT_FILE (invalid UTF-8) | TOO_DEEP | INVALID_OUTLINE
 *   (bad JSON or schema, with the first issues in the message)
 */
export function parseOutlineBytes(bytes: Uint8Array, limits: OutlineLimits = {}, path?: string): Outline {
  const { maxBytes, maxDepth } = withDefaults(limits);
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes, path);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (cause) {
    throw new LivingReportsError(
      ErrorCode.CORRUPT_FILE,
      `${where(path)}is not valid UTF-8`,
      withPath({ cause }, path),
    );
  }
  const depth = jsonTextDepth(text, maxDepth);
  if (depth > maxDepth) throw tooDeep(maxDepth, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new LivingReportsError(
      ErrorCode.INVALID_OUTLINE,
      `${where(path)}is not valid JSON: ${reason}`,
      withPath({ cause }, path),
    );
  }
  return checkSchema(value, path);
}

/**
 * Validates an outline given as a value (caller input): depth first (an iterative walk, so a
 * deep or cyclic value cannot overflow the stack), then the strict schema, then the size of the
 * JSON that {@link serializeOutline} would write.
 *
 * @throws LivingReportsError TOO_DEEP | INVALID_OUTLINE | TOO_LARGE, carrying `path` if given
 */
export function validateOutline(value: unknown, limits: OutlineLimits = {}, path?: string): Outline {
  return validateOutlineBytes(value, limits, path).outline;
}

/**
 * {@link validateOutline} but for the size: depth, then the strict schema. For a caller that
 * serialises the outline later and checks its size then ({@link encodeCheckedOutline}), so that
 * an update is not serialised twice. Internal to core.
 *
 * @throws LivingReportsError TOO_DEEP | INVALID_OUTLINE, carrying `path` if given
 */
export function validateOutlineShape(value: unknown, limits: OutlineLimits = {}, path?: string): Outline {
  const { maxDepth } = withDefaults(limits);
  if (valueDepth(value, maxDepth) > maxDepth) throw tooDeep(maxDepth, path);
  return checkSchema(value, path);
}

/**
 * {@link validateOutline}, also giving the bytes {@link serializeOutline} writes for it (computed
 * once, for the size check). Internal to core: the store commits exactly these bytes.
 *
 * @throws LivingReportsError TOO_DEEP | INVALID_OUTLINE | TOO_LARGE, carrying `path` if given
 */
export function validateOutlineBytes(
  value: unknown,
  limits: OutlineLimits = {},
  path?: string,
): { outline: Outline; bytes: Uint8Array } {
  const outline = validateOutlineShape(value, limits, path);
  return { outline, bytes: encodeCheckedOutline(outline, limits, path) };
}

/**
 * The bytes of `outline`, an outline validated already whose top-level scalars only were changed
 * since (the store's `outline_version` and `updated_at`): its schema and depth still hold, so only
 * the size limit is checked again. Internal to core.
 *
 * @throws LivingReportsError TOO_LARGE, carrying `path` if given
 */
export function encodeCheckedOutline(
  outline: Outline,
  limits: OutlineLimits = {},
  path?: string,
): Uint8Array {
  const { maxBytes } = withDefaults(limits);
  const bytes = serializeOutline(outline);
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes, path);
  return bytes;
}

/**
 * The bytes of an outline as stored: `JSON.stringify(outline, null, 2)` in UTF-8 (non-ASCII kept
 * as is), as the Python module writes it (`indent=2, ensure_ascii=False`), no trailing newline.
 * Never throws for a validated outline.
 */
export function serializeOutline(outline: Outline): Uint8Array {
  return encoder.encode(JSON.stringify(outline, null, 2));
}

function checkSchema(value: unknown, path: string | undefined): Outline {
  const result = OutlineSchema.safeParse(value);
  if (result.success) return result.data;
  throw new LivingReportsError(
    ErrorCode.INVALID_OUTLINE,
    `${where(path)}is not a valid outline: ${describeIssues(result.error)}`,
    withPath({ cause: result.error, details: { issues: result.error.issues } }, path),
  );
}

function withDefaults(limits: OutlineLimits): Required<OutlineLimits> {
  return {
    maxBytes: limits.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
}

function tooLarge(size: number, maxBytes: number, path: string | undefined): LivingReportsError {
  return new LivingReportsError(
    ErrorCode.TOO_LARGE,
    `${where(path)}outline is ${size} bytes, over the limit of ${maxBytes}`,
    withPath({ details: { size, maxBytes } }, path),
  );
}

function tooDeep(maxDepth: number, path: string | undefined): LivingReportsError {
  return new LivingReportsError(
    ErrorCode.TOO_DEEP,
    `${where(path)}outline is nested deeper than ${maxDepth} levels`,
    withPath({ details: { maxDepth } }, path),
  );
}

function where(path: string | undefined): string {
  return path === undefined ? "" : `${path}: `;
}

function withPath<T extends object>(options: T, path: string | undefined): T & { path?: string } {
  return path === undefined ? options : { ...options, path };
}
