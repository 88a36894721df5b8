import * as realFs from "node:fs";
import { join } from "node:path";
import fc from "fast-check";

/*
 * The calls nodeFsDifferential.test.ts makes on both sides (the facade and node:fs itself), and
 * their outcomes made comparable: results normalised, errors as code, syscall, path, dest and
 * message.
 */

const NAMES = ["a", "b", "a/c", "a/b", "f", "a/f", "b/g", "a/c/h"] as const;
const name = fc.constantFrom(...NAMES);
const anyName = fc.constantFrom("", ...NAMES);
const text = fc.string({ maxLength: 6 });
const position = fc.option(fc.nat(8), { nil: null });
const fdIndex = fc.nat(3);
const FLAGS = ["r", "r+", "w", "wx", "w+", "a", "a+", "ax"] as const;

/** One node:fs call of a sequence (paths relative to the side's root; fds by index). */
export type Cmd =
  | { op: "writeFile" | "appendFile"; path: string; data: string }
  | { op: "readFile" | "unlink" | "rmdir" | "stat" | "lstat" | "exists" | "realpath"; path: string }
  | { op: "access"; path: string; mode: number }
  | { op: "mkdir"; path: string; recursive: boolean }
  | { op: "rm"; path: string; recursive: boolean; force: boolean }
  | { op: "rename" | "link"; from: string; to: string }
  | { op: "copyFile"; from: string; to: string; exclusive: boolean }
  | { op: "readdir"; path: string; types: boolean }
  | { op: "truncate"; path: string; length: number }
  | { op: "open"; path: string; flags: (typeof FLAGS)[number] }
  | { op: "write"; fd: number; data: string; position: number | null }
  | { op: "read"; fd: number; length: number; position: number | null }
  | { op: "fsync" | "fdatasync" | "fstat" | "close"; fd: number }
  | { op: "readFileFd"; fd: number }
  | { op: "writeFileFd" | "appendFileFd"; fd: number; data: string }
  | { op: "ftruncate"; fd: number; length: number };

/** Any one command, with arguments drawn from a few names, short texts and small numbers. */
export const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ op: fc.constantFrom("writeFile" as const, "appendFile" as const), path: name, data: text }),
  fc.record({
    op: fc.constantFrom("readFile" as const, "unlink" as const, "rmdir" as const),
    path: name,
  }),
  fc.record({
    op: fc.constantFrom("stat" as const, "lstat" as const, "exists" as const, "realpath" as const),
    path: anyName,
  }),
  fc.record({ op: fc.constant("access" as const), path: anyName, mode: fc.nat(7) }),
  fc.record({ op: fc.constant("mkdir" as const), path: name, recursive: fc.boolean() }),
  fc.record({ op: fc.constant("rm" as const), path: name, recursive: fc.boolean(), force: fc.boolean() }),
  fc.record({ op: fc.constantFrom("rename" as const, "link" as const), from: name, to: name }),
  fc.record({ op: fc.constant("copyFile" as const), from: name, to: name, exclusive: fc.boolean() }),
  fc.record({ op: fc.constant("readdir" as const), path: anyName, types: fc.boolean() }),
  fc.record({ op: fc.constant("truncate" as const), path: name, length: fc.nat(8) }),
  fc.record({ op: fc.constant("open" as const), path: anyName, flags: fc.constantFrom(...FLAGS) }),
  fc.record({ op: fc.constant("write" as const), fd: fdIndex, data: text, position }),
  fc.record({ op: fc.constant("read" as const), fd: fdIndex, length: fc.nat(8), position }),
  fc.record({
    op: fc.constantFrom(
      "fsync" as const,
      "fdatasync" as const,
      "fstat" as const,
      "close" as const,
      "readFileFd" as const,
    ),
    fd: fdIndex,
  }),
  fc.record({
    op: fc.constantFrom("writeFileFd" as const, "appendFileFd" as const),
    fd: fdIndex,
    data: text,
  }),
  fc.record({ op: fc.constant("ftruncate" as const), fd: fdIndex, length: fc.nat(8) }),
);

/** The node:fs surface both sides are driven through (the facade is typed as node:fs's own). */
export type AnyFs = Pick<typeof realFs, keyof typeof realFs & string>;

/** What a call did, comparable across the two sides. */
function outcome(run: () => unknown): unknown {
  try {
    return { ok: normalise(run()) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { dest?: string };
    return { error: { code: e.code, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message } };
  }
}

async function outcomeAsync(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: normalise(await run()) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { dest?: string };
    return { error: { code: e.code, syscall: e.syscall, path: e.path, dest: e.dest, message: e.message } };
  }
}

function normalise(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `buf:${value.toString("latin1")}`;
  if (value instanceof realFs.Stats || (typeof value === "object" && value !== null && "isFile" in value)) {
    const s = value as realFs.Stats;
    // A directory's size is the filesystem's business (4096 on ext4), not the facade's.
    return s.isDirectory() ? "dir" : s.isFile() ? `file:${s.size}` : "other";
  }
  if (Array.isArray(value)) {
    const items = value.map((v) =>
      typeof v === "object" && v !== null && "isDirectory" in v
        ? `${(v as realFs.Dirent).name}:${(v as realFs.Dirent).isDirectory() ? "d" : "f"}`
        : v,
    );
    // Directory order is the filesystem's; node:fs does not sort.
    return items.sort();
  }
  return value;
}

/** Runs one command with the sync API; `fds` holds this side's open descriptors. */
export function runSyncCmd(fs: AnyFs, root: string, fds: number[], c: Cmd): unknown {
  const p = (rel: string) => (rel === "" ? root : join(root, rel));
  const fd = (i: number) => fds[i % Math.max(fds.length, 1)] ?? -1;
  switch (c.op) {
    case "writeFile":
    case "appendFile":
      return outcome(() => fs[`${c.op}Sync`](p(c.path), c.data));
    case "readFile":
      return outcome(() => fs.readFileSync(p(c.path)));
    case "unlink":
    case "rmdir":
    case "stat":
    case "lstat":
    case "exists":
    case "realpath":
      return outcome(() => fs[`${c.op}Sync`](p(c.path)));
    case "access":
      return outcome(() => fs.accessSync(p(c.path), c.mode));
    case "mkdir":
      return outcome(() => fs.mkdirSync(p(c.path), { recursive: c.recursive }));
    case "rm": {
      const result = outcome(() => fs.rmSync(p(c.path), { recursive: c.recursive, force: c.force })) as {
        error?: { syscall?: string; message: string };
      };
      // Node's rmSync with recursive + force reports a failed lookup as its unlink's, every other
      // rm (and the promise API) as the lstat's; the facade always names the lstat.
      if (c.recursive && c.force && result.error?.syscall === "unlink") {
        result.error.syscall = "lstat";
        result.error.message = result.error.message.replace(", unlink '", ", lstat '");
      }
      return result;
    }
    case "rename":
    case "link":
      return outcome(() => fs[`${c.op}Sync`](p(c.from), p(c.to)));
    case "copyFile":
      return outcome(() =>
        fs.copyFileSync(p(c.from), p(c.to), c.exclusive ? realFs.constants.COPYFILE_EXCL : 0),
      );
    case "readdir":
      return outcome(() =>
        c.types ? fs.readdirSync(p(c.path), { withFileTypes: true }) : fs.readdirSync(p(c.path)),
      );
    case "truncate":
      return outcome(() => fs.truncateSync(p(c.path), c.length));
    case "open":
      return outcome(() => {
        fds.push(fs.openSync(p(c.path), c.flags));
        return "opened";
      });
    case "write":
      if (fds.length === 0) return "no fd";
      return outcome(() => fs.writeSync(fd(c.fd), c.data, c.position));
    case "read":
      if (fds.length === 0) return "no fd";
      return outcome(() => {
        const buffer = Buffer.alloc(c.length);
        const n = fs.readSync(fd(c.fd), buffer, 0, c.length, c.position);
        return buffer.subarray(0, n);
      });
    case "fsync":
    case "fdatasync":
    case "fstat":
      if (fds.length === 0) return "no fd";
      return outcome(() => fs[`${c.op}Sync`](fd(c.fd)));
    case "readFileFd":
      if (fds.length === 0) return "no fd";
      return outcome(() => fs.readFileSync(fd(c.fd)));
    case "writeFileFd":
    case "appendFileFd": {
      if (fds.length === 0) return "no fd";
      const op = c.op === "writeFileFd" ? "writeFileSync" : "appendFileSync";
      return outcome(() => fs[op](fd(c.fd), c.data));
    }
    case "close":
      if (fds.length === 0) return "no fd";
      return outcome(() => {
        const i = c.fd % fds.length;
        fs.closeSync(fds[i] as number);
        fds.splice(i, 1);
      });
    case "ftruncate":
      if (fds.length === 0) return "no fd";
      return outcome(() => fs.ftruncateSync(fd(c.fd), c.length));
  }
}

/** A promise-API file handle. */
export type Handle = Awaited<ReturnType<typeof realFs.promises.open>>;

/** Runs one command with the promise API (FileHandles for the fd commands). */
export async function runPromiseCmd(fs: AnyFs, root: string, handles: Handle[], c: Cmd): Promise<unknown> {
  const p = (rel: string) => (rel === "" ? root : join(root, rel));
  const fsp = fs.promises;
  const h = (i: number) => handles[i % handles.length] as Handle;
  switch (c.op) {
    case "writeFile":
    case "appendFile":
      return outcomeAsync(() => fsp[c.op](p(c.path), c.data));
    case "readFile":
      return outcomeAsync(() => fsp.readFile(p(c.path)));
    case "unlink":
    case "rmdir":
    case "stat":
    case "lstat":
    case "realpath": {
      const op = c.op;
      return outcomeAsync(() => fsp[op](p(c.path)));
    }
    case "access":
      return outcomeAsync(() => fsp.access(p(c.path), c.mode));
    case "exists":
      return outcomeAsync(() => fsp.access(p(c.path)));
    case "mkdir":
      return outcomeAsync(() => fsp.mkdir(p(c.path), { recursive: c.recursive }));
    case "rm":
      return outcomeAsync(() => fsp.rm(p(c.path), { recursive: c.recursive, force: c.force }));
    case "rename":
    case "link":
      return outcomeAsync(() => fsp[c.op](p(c.from), p(c.to)));
    case "copyFile":
      return outcomeAsync(() =>
        fsp.copyFile(p(c.from), p(c.to), c.exclusive ? realFs.constants.COPYFILE_EXCL : 0),
      );
    case "readdir":
      return outcomeAsync(() =>
        c.types ? fsp.readdir(p(c.path), { withFileTypes: true }) : fsp.readdir(p(c.path)),
      );
    case "truncate":
      return outcomeAsync(() => fsp.truncate(p(c.path), c.length));
    case "open":
      return outcomeAsync(async () => {
        handles.push(await fsp.open(p(c.path), c.flags));
        return "opened";
      });
    case "write":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(async () => (await h(c.fd).write(c.data, c.position)).bytesWritten);
    case "read":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(async () => {
        const buffer = Buffer.alloc(c.length);
        const { bytesRead } = await h(c.fd).read(buffer, 0, c.length, c.position);
        return buffer.subarray(0, bytesRead);
      });
    case "fsync":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).sync());
    case "fdatasync":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).datasync());
    case "readFileFd":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).readFile());
    case "writeFileFd":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).writeFile(c.data));
    case "appendFileFd":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).appendFile(c.data));
    case "fstat":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).stat());
    case "close":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(async () => {
        const i = c.fd % handles.length;
        await (handles[i] as Handle).close();
        handles.splice(i, 1);
      });
    case "ftruncate":
      if (handles.length === 0) return "no fd";
      return outcomeAsync(() => h(c.fd).truncate(c.length));
  }
}
