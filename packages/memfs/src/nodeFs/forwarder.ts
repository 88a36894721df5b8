import { promisify } from "node:util";
import { FACADE_FUNCTIONS, type FsFacade } from "./createFs.js";
import { FS_CONSTANTS } from "./flags.js";

/** Returns the facade the code under test should use now (e.g. the one over the current disk). */
export type FsGetter = () => FsFacade;

const PROMISE_EXTRAS = ["open", "realpath"] as const;

function current(getFs: FsGetter): Record<string, unknown> {
  const fs = getFs() as unknown as Record<string, unknown> | undefined;
  if (fs === undefined || fs === null) {
    throw new Error(
      "node:fs is mocked with @living-reports/memfs, but getFs() returned nothing: create the facade " +
        "(createFsFromDisk(disk)) before the code under test touches node:fs",
    );
  }
  return fs;
}

function call(target: () => Record<string, unknown>, name: string): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => (target()[name] as (...a: unknown[]) => unknown)(...args);
}

/**
 * An object shaped like `node:fs` whose every function calls the same function of `getFs()` at
 * call time: code that captured `fs` (or its functions, as graceful-fs does) once keeps working
 * when a test swaps the facade (a new disk, a crashed one).
 */
export function fsForwarder(getFs: FsGetter): Record<string, unknown> {
  const fs = (): Record<string, unknown> => current(getFs);
  const out: Record<string, unknown> = { constants: FS_CONSTANTS };
  for (const name of FACADE_FUNCTIONS) {
    out[name] = call(fs, name);
    out[`${name}Sync`] = call(fs, `${name}Sync`);
  }
  for (const name of ["createWriteStream", "createReadStream"]) out[name] = call(fs, name);
  for (const name of ["read", "write", "exists"]) {
    Object.defineProperty(out[name], promisify.custom, {
      value: (...args: unknown[]) =>
        (fs()[name] as unknown as Record<symbol, (...a: unknown[]) => unknown>)[promisify.custom]?.(...args),
    });
  }
  (out.realpath as { native?: unknown }).native = (...args: unknown[]) =>
    (fs().realpath as { native: (...a: unknown[]) => unknown }).native(...args);
  (out.realpathSync as { native?: unknown }).native = (...args: unknown[]) =>
    (fs().realpathSync as { native: (...a: unknown[]) => unknown }).native(...args);
  out.promises = promisesForwarder(getFs);
  return out;
}

/** {@link fsForwarder} for `node:fs/promises`. */
export function promisesForwarder(getFs: FsGetter): Record<string, unknown> {
  const promises = (): Record<string, unknown> => current(getFs).promises as Record<string, unknown>;
  const out: Record<string, unknown> = { constants: FS_CONSTANTS };
  for (const name of [...FACADE_FUNCTIONS, ...PROMISE_EXTRAS]) {
    out[name] = (...args: unknown[]) => {
      const fn = promises()[name] as ((...a: unknown[]) => unknown) | undefined;
      if (fn === undefined)
        throw new TypeError(`fs.promises.${name} is not a function (not in node:fs/promises)`);
      return fn(...args);
    };
  }
  return out;
}
