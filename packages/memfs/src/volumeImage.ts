import { type IProcess, Volume } from "memfs";
import type { DiskImage, ImageNode } from "./diskImage.js";
import { withFixedIds } from "./fixedIds.js";

/*
 * Building and reading whole volumes goes through memfs's core (`Volume._core`: links and
 * nodes) instead of mkdirSync/writeFileSync: about 4x faster, which matters because the crash
 * explorer materialises thousands of states. Only this file and `guardPath` (volumePaths.ts)
 * touch memfs internals.
 */
type Core = Volume["_core"];

/**
 * The process memfs consults for permissions and paths. Without it memfs calls the real
 * `process.getuid()` (a system call) on every lookup, which doubles the cost of each stat;
 * fixing `platform` also keeps path rules POSIX on every host.
 */
const VOLUME_PROCESS: IProcess = Object.freeze({
  getuid: () => 0,
  getgid: () => 0,
  cwd: () => "/",
  platform: "linux",
  emitWarning: () => undefined,
  env: {},
});
type CoreLink = Core["root"];
type CoreNode = ReturnType<CoreLink["getNode"]>;

/** A volume built from an image, with the memfs-ino → model-inode-id map of its nodes. */
export interface BuiltVolume {
  readonly volume: Volume;
  readonly inoToId: Map<number, number>;
  /**
   * The image as placed: only the nodes reachable from the root. A directory that the image
   * reaches by two names (possible after a crash that kept one half of a cross-directory rename)
   * becomes two directories, the second under a fresh id; a directory cycle is cut.
   */
  readonly image: DiskImage;
}

/**
 * Builds a fresh memfs volume holding exactly the part of `image` reachable from its root.
 * Hard links stay hard links. Each node gets `mtimeOf(id)` as its mtime, when known.
 */
export function buildVolume(
  image: DiskImage,
  mtimeOf: (id: number) => number | undefined,
  allocateId: () => number,
): BuiltVolume {
  return withFixedIds(() => placeImage(image, mtimeOf, allocateId));
}

function placeImage(
  image: DiskImage,
  mtimeOf: (id: number) => number | undefined,
  allocateId: () => number,
): BuiltVolume {
  const volume = Volume.fromJSON({}, "/", { process: VOLUME_PROCESS });
  const core = volume._core;
  const inoToId = new Map<number, number>();
  const placed = new Map<number, ImageNode>();
  const files = new Map<number, CoreNode>();
  const setMtime = (node: CoreNode, id: number): void => {
    const ms = mtimeOf(id);
    if (ms !== undefined) node.mtime = new Date(ms);
  };

  const placeDir = (dirId: number, link: CoreLink, ancestors: Set<number>): Map<string, number> => {
    const dir = image.nodes.get(dirId);
    const entries = new Map<string, number>();
    if (dir?.kind !== "dir") return entries;
    for (const [name, id] of dir.entries) {
      const child = image.nodes.get(id);
      if (child === undefined || ancestors.has(id)) continue;
      if (child.kind === "file") {
        const existing = files.get(id);
        if (existing === undefined) {
          const node = core.createLink(link, name, false).getNode();
          node.setBuffer(Buffer.from(child.data.buffer, child.data.byteOffset, child.data.byteLength));
          setMtime(node, id);
          files.set(id, node);
          inoToId.set(node.ino, id);
          placed.set(id, child);
        } else {
          existing.nlink++;
          link.createChild(name, existing);
        }
        entries.set(name, id);
        continue;
      }
      const placedId = placed.has(id) ? allocateId() : id;
      const childLink = core.createLink(link, name, true);
      inoToId.set(childLink.getNode().ino, placedId);
      ancestors.add(id);
      placed.set(placedId, { kind: "dir", entries: placeDir(id, childLink, ancestors) });
      ancestors.delete(id);
      setMtime(childLink.getNode(), id);
      entries.set(name, placedId);
    }
    return entries;
  };

  const rootNode = core.root.getNode();
  inoToId.set(rootNode.ino, image.root);
  placed.set(image.root, { kind: "dir", entries: placeDir(image.root, core.root, new Set([image.root])) });
  setMtime(rootNode, image.root);
  return { volume, inoToId, image: { root: image.root, nodes: placed } };
}

/** A live volume read back as an image, with every node's mtime. */
export interface ReadVolume {
  readonly image: DiskImage;
  readonly mtimes: Map<number, number>;
}

/**
 * Reads the whole live volume as an image (file contents copied), naming nodes by `idOf(ino)`.
 * Symlinks are skipped: the model never creates them and never follows them.
 */
export function readVolume(volume: Volume, idOf: (ino: number) => number): ReadVolume {
  return withFixedIds(() => readImage(volume, idOf));
}

function readImage(volume: Volume, idOf: (ino: number) => number): ReadVolume {
  const nodes = new Map<number, ImageNode>();
  const mtimes = new Map<number, number>();
  const readDir = (link: CoreLink): Map<string, number> => {
    const entries = new Map<string, number>();
    for (const [name, child] of link.children) {
      if (child === undefined || name === "." || name === "..") continue;
      const node = child.getNode();
      if (node.isSymlink()) continue;
      const id = idOf(node.ino);
      entries.set(name, id);
      if (nodes.has(id)) continue;
      mtimes.set(id, node.mtime.getTime());
      if (node.isDirectory()) nodes.set(id, { kind: "dir", entries: readDir(child) });
      else {
        const copy = node.getBuffer();
        nodes.set(id, { kind: "file", data: new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength) });
      }
    }
    return entries;
  };
  const root = volume._core.root;
  const rootId = idOf(root.getNode().ino);
  mtimes.set(rootId, root.getNode().mtime.getTime());
  nodes.set(rootId, { kind: "dir", entries: readDir(root) });
  return { image: { root: rootId, nodes }, mtimes };
}
