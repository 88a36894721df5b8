import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";

/** A small tmpfs of this run: a real file system that fills up and can be remounted read-only. */
export interface Tmpfs {
  /** The mount point (the store's root goes below it). */
  readonly dir: string;
  /** Mount options it was made with (`size=…`, `nr_inodes=…`). */
  readonly options: string;
  remountReadOnly(): void;
  remountReadWrite(): void;
  /** Unmounts (lazily, should a process still hold it) and removes the mount point. */
  dispose(): void;
}

function sh(cmd: string, args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { ok: r.status === 0, err: `${r.stderr ?? ""}${r.error?.message ?? ""}`.trim() };
}

let probed: string | null | undefined;

/**
 * Why real-fault cases cannot run here, or null when they can: they need Linux, root, and a kernel
 * that lets this process mount a tmpfs and remount it read-only (a container without
 * CAP_SYS_ADMIN cannot). Probed once, by mounting one.
 */
export function realFaultsUnavailable(): string | null {
  if (probed !== undefined) return probed;
  if (process.platform !== "linux") probed = `needs Linux (tmpfs, mount), this is ${process.platform}`;
  else if (process.getuid?.() !== 0) probed = "needs root to mount a tmpfs (run as root, or in CI)";
  else {
    try {
      const t = mountTmpfs("size=256k");
      t.remountReadOnly();
      t.dispose();
      probed = null;
    } catch (err) {
      probed = `cannot mount a tmpfs here: ${(err as Error).message}`;
    }
  }
  return probed;
}

/** Mounts a fresh tmpfs with `options` (e.g. `size=2m`) on a new directory under the temp dir. */
export function mountTmpfs(options: string): Tmpfs {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "lr-tmpfs-"));
  const m = sh("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
  if (!m.ok) {
    fs.rmdirSync(dir);
    throw new Error(`mount -t tmpfs -o ${options}: ${m.err}`);
  }
  const remount = (mode: "ro" | "rw") => {
    const r = sh("mount", ["-o", `remount,${mode}`, dir]);
    if (!r.ok) throw new Error(`mount -o remount,${mode} ${dir}: ${r.err}`);
  };
  return {
    dir,
    options,
    remountReadOnly: () => remount("ro"),
    remountReadWrite: () => remount("rw"),
    dispose: () => {
      sh("umount", ["-l", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PAGE = 4096;

/**
 * Fills the file system holding `dir` so that exactly `freePages` pages (4 KiB) stay free: a
 * filler file is written until ENOSPC, then cut back. Returns the filler's path (remove it to
 * free the space again).
 */
export function fillLeaving(dir: string, freePages: number): string {
  const filler = nodePath.join(dir, "filler.bin");
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let size = 0;
  try {
    for (;;) {
      try {
        size += fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
        // The last pages: page by page, so the file system is full to the page.
        try {
          for (;;) size += fs.writeSync(fd, chunk.subarray(0, PAGE));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
        }
        break;
      }
    }
    fs.ftruncateSync(fd, Math.max(0, Math.floor(size / PAGE) - freePages) * PAGE);
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

/**
 * Uses up the inodes of the file system holding `dir` but `freeInodes`: empty files are made
 * until ENOSPC, then `freeInodes` of them removed. Returns the filler directory.
 */
export function fillInodesLeaving(dir: string, freeInodes: number): string {
  const filler = nodePath.join(dir, "filler.d");
  fs.mkdirSync(filler);
  const names: string[] = [];
  for (;;) {
    const name = nodePath.join(filler, String(names.length));
    try {
      fs.closeSync(fs.openSync(name, "wx"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      break;
    }
    names.push(name);
  }
  for (const name of names.slice(names.length - freeInodes)) fs.unlinkSync(name);
  return filler;
}
