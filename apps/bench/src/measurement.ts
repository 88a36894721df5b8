/**
 * What one trial of one (workload, contender) measured in its own process: `ops` operations in
 * `elapsedMs` of wall time, with the latency of each (µs). Printed by the worker as one JSON line.
 */
export interface Measurement {
  ops: number;
  elapsedMs: number;
  latenciesUs: number[];
  /** fsync + fdatasync calls during the measured operations (counted by wrapping node:fs / os.fsync). */
  fsyncs?: number;
  /** The fsyncs of each measured operation, in order (one-at-a-time trials only). */
  fsyncsEach?: number[];
}

/** True when `value` has the shape of a {@link Measurement}. */
export function isMeasurement(value: unknown): value is Measurement {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.ops === "number" &&
    typeof m.elapsedMs === "number" &&
    Array.isArray(m.latenciesUs) &&
    m.latenciesUs.every((x) => typeof x === "number") &&
    (m.fsyncs === undefined || typeof m.fsyncs === "number") &&
    (m.fsyncsEach === undefined ||
      (Array.isArray(m.fsyncsEach) && m.fsyncsEach.every((x) => typeof x === "number")))
  );
}
