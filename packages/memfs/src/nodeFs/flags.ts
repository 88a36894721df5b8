import type { OpenMode } from "@living-reports/core";

/**
 * The open flags and access constants of the facade: Linux's values (the simulated disk behaves
 * as a Linux filesystem does). Code that reads them from the facade's `constants` gets these.
 */
export const FS_CONSTANTS = Object.freeze({
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_SYNC: 0o4010000,
  O_DSYNC: 0o10000,
  O_NONBLOCK: 0o4000,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFDIR: 0o040000,
  S_IFLNK: 0o120000,
  COPYFILE_EXCL: 1,
  COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE_FORCE: 4,
  UV_FS_COPYFILE_EXCL: 1,
});

/** What an open asks for, decoded from Node's string or numeric flags. */
export interface OpenIntent {
  readonly read: boolean;
  readonly write: boolean;
  readonly create: boolean;
  readonly exclusive: boolean;
  readonly truncate: boolean;
  readonly append: boolean;
}

const STRING_FLAGS: Readonly<Record<string, OpenIntent>> = (() => {
  const f = (
    read: boolean,
    write: boolean,
    create: boolean,
    exclusive: boolean,
    truncate: boolean,
    append: boolean,
  ) => ({
    read,
    write,
    create,
    exclusive,
    truncate,
    append,
  });
  const table: Record<string, OpenIntent> = {
    r: f(true, false, false, false, false, false),
    "r+": f(true, true, false, false, false, false),
    w: f(false, true, true, false, true, false),
    wx: f(false, true, true, true, true, false),
    "w+": f(true, true, true, false, true, false),
    "wx+": f(true, true, true, true, true, false),
    a: f(false, true, true, false, false, true),
    ax: f(false, true, true, true, false, true),
    "a+": f(true, true, true, false, false, true),
    "ax+": f(true, true, true, true, false, true),
  };
  // Synchronous-I/O and `x`-first spellings mean the same here: every write is volatile until
  // fsync whatever the flag (the model has no O_SYNC).
  const aliases: Record<string, string> = {
    rs: "r",
    "rs+": "r+",
    xw: "wx",
    "xw+": "wx+",
    as: "a",
    "as+": "a+",
    xa: "ax",
    "xa+": "ax+",
  };
  for (const [alias, flag] of Object.entries(aliases)) table[alias] = table[flag] as OpenIntent;
  return table;
})();

/** Decodes Node's `flags` argument (default `r`). */
export function openIntent(flags: string | number | undefined | null): OpenIntent {
  if (flags === undefined || flags === null) return STRING_FLAGS.r as OpenIntent;
  if (typeof flags === "number") {
    const access = flags & 3;
    return {
      read: access !== FS_CONSTANTS.O_WRONLY,
      write: access !== FS_CONSTANTS.O_RDONLY,
      create: (flags & FS_CONSTANTS.O_CREAT) !== 0,
      exclusive: (flags & FS_CONSTANTS.O_EXCL) !== 0,
      truncate: (flags & FS_CONSTANTS.O_TRUNC) !== 0,
      append: (flags & FS_CONSTANTS.O_APPEND) !== 0,
    };
  }
  const intent = STRING_FLAGS[flags];
  if (intent === undefined) {
    throw Object.assign(new TypeError(`The value "${flags}" is invalid for option "flags"`), {
      code: "ERR_INVALID_ARG_VALUE",
    });
  }
  return intent;
}

/** How the facade opens a file on the backend. */
export interface OpenPlan {
  /** The open that creates or truncates as asked (or just opens). */
  readonly first: OpenMode;
  /** Reopen in this mode after `first` (closed), when one backend mode cannot do it all (`w+`, `a+`). */
  readonly reopen?: OpenMode;
  /** Truncate to 0 after opening (O_TRUNC without O_CREAT). */
  readonly truncate: boolean;
  /** The facade appends itself (writes at the size): an append the backend's mode does not do. */
  readonly append: boolean;
}

/** The backend calls that open a file as `intent` says. */
export function openPlan(intent: OpenIntent): OpenPlan {
  if (!intent.write) return { first: "r", truncate: false, append: false };
  if (!intent.create) return { first: "r+", truncate: intent.truncate, append: intent.append };
  const first: OpenMode = intent.exclusive ? "wx" : intent.truncate ? "w" : "a";
  const nativeAppend = first === "a" && intent.append && !intent.read;
  const reopen = intent.read || (first === "a" && !intent.append) || (intent.append && !nativeAppend);
  return reopen
    ? { first, reopen: "r+", truncate: false, append: intent.append }
    : { first, truncate: false, append: false };
}
