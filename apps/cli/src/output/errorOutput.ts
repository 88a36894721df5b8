import type { LivingReportsError } from "@living-reports/core";
import { formatJson } from "./json.js";

/** The `--json` error document on stderr: `{"error": {code, message, id?, path?, line?, details?}}`. */
export interface JsonError {
  error: {
    code: string;
    message: string;
    id?: string;
    path?: string;
    line?: number;
    details?: Record<string, unknown>;
  };
}

/** The JSON error document of `err` (optional keys only when known). */
export function jsonError(err: LivingReportsError): JsonError {
  const error: JsonError["error"] = { code: err.code, message: err.message };
  if (err.id !== undefined) error.id = err.id;
  if (err.path !== undefined) error.path = err.path;
  if (err.line !== undefined) error.line = err.line;
  if (err.details !== undefined) error.details = err.details;
  return { error };
}

/**
 * Formats a failure for stderr: one line `error CODE: message` (newlines in the message folded),
 * or with `json` the {@link JsonError} document.
 */
export function formatError(err: LivingReportsError, json: boolean): string {
  if (json) return formatJson(jsonError(err));
  return `error ${err.code}: ${err.message.replace(/\s*\n\s*/g, " ")}\n`;
}
