import { injectFaults, recordTrace } from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { createFsFromBackend, createFsFromDisk, createMemfsDisk } from "../src/index.js";

describe("createFsFromDisk: the durability model behind node:fs", () => {
  it("a created file survives a crash only once its directory is fsynced (open(dir) + fsync)", () => {
    const disk = createMemfsDisk();
    const fs = createFsFromDisk(disk);
    fs.mkdirSync("/d");
    fs.writeFileSync("/d/f", "data", { flush: true });
    expect(createFsFromDisk(disk.crash({ mode: "drop" })).existsSync("/d")).toBe(false);
    const root = fs.openSync("/", "r");
    fs.fsyncSync(root);
    fs.closeSync(root);
    expect(createFsFromDisk(disk.crash({ mode: "drop" })).readdirSync("/d")).toEqual([]);
    const dir = fs.openSync("/d", "r");
    fs.fsyncSync(dir);
    fs.closeSync(dir);
    expect(createFsFromDisk(disk.crash({ mode: "drop" })).readFileSync("/d/f", "utf8")).toBe("data");
  });

  it("writeFile without flush leaves the data volatile; fdatasync makes it durable", async () => {
    const disk = createMemfsDisk({ files: { f: "old" } });
    const fs = createFsFromDisk(disk);
    await fs.promises.writeFile("/f", "new");
    expect(createFsFromDisk(disk.crash({ mode: "drop" })).readFileSync("/f", "utf8")).toBe("old");
    const handle = await fs.promises.open("/f", "r+");
    await handle.datasync();
    await handle.close();
    expect(createFsFromDisk(disk.crash({ mode: "drop" })).readFileSync("/f", "utf8")).toBe("new");
  });

  it("maps a mount point: paths outside it are refused, naming the mount", () => {
    const fs = createFsFromDisk(createMemfsDisk(), { mount: "/srv/data", cwd: "/srv/data" });
    fs.writeFileSync("rel.txt", "x");
    expect(fs.readdirSync("/srv/data")).toEqual(["rel.txt"]);
    expect(() => fs.readFileSync("/etc/passwd")).toThrow(
      "ENOENT: no such file or directory, open '/etc/passwd' (outside the simulated disk mounted at '/srv/data')",
    );
  });

  it("callbacks and util.promisify work as node:fs's", async () => {
    const { promisify } = await import("node:util");
    const fs = createFsFromDisk(createMemfsDisk());
    const fd = await promisify(fs.open)("/f", "w+");
    const written = await promisify(fs.write)(fd, Buffer.from("hello"), 0, 5, 0);
    expect(written).toMatchObject({ bytesWritten: 5 });
    const read = await promisify(fs.read)(fd, Buffer.alloc(5), 0, 5, 0);
    expect(read.bytesRead).toBe(5);
    expect(read.buffer.toString()).toBe("hello");
    await promisify(fs.close)(fd);
    expect(await promisify(fs.exists)("/f")).toBe(true);
    await new Promise<void>((resolve) =>
      fs.readFile("/nope", (err) => {
        expect(err).toMatchObject({ code: "ENOENT", errno: -2, syscall: "open", path: "/nope" });
        resolve();
      }),
    );
  });
});

describe("createFsFromBackend over wrappers", () => {
  it("every call goes through the wrapper: the trace shows the backend primitives", async () => {
    const recording = recordTrace(createMemfsDisk().backend());
    const fs = createFsFromBackend(recording.backend);
    await fs.promises.mkdir("/a/b", { recursive: true });
    await fs.promises.writeFile("/a/b/f", "x", { flush: true });
    const ops = recording.trace.map((e) => e.op);
    expect(ops).toEqual(expect.arrayContaining(["mkdir", "open", "write", "sync", "close"]));
  });

  it("an injected fault reaches the code as a node:fs error (the backend's error as cause)", async () => {
    const fs = createFsFromBackend(injectFaults(createMemfsDisk().backend(), [{ op: "sync", error: "EIO" }]));
    const handle = await fs.promises.open("/f", "w");
    await expect(handle.sync()).rejects.toMatchObject({
      code: "EIO",
      syscall: "fsync",
      message: "EIO: i/o error, fsync",
    });
    await handle.close();
  });

  it("the sync API over a wrapper (async only) fails ENOSYS, saying why", () => {
    const fs = createFsFromBackend(injectFaults(createMemfsDisk().backend(), []));
    expect(() => fs.writeFileSync("/f", "x")).toThrow(
      /ENOSYS.*writeFileSync needs a backend with a synchronous twin/,
    );
  });

  it("disk.volume is no longer a trap: it throws, pointing to createFsFromDisk", () => {
    expect(() => createMemfsDisk().volume).toThrow(/createFsFromDisk/);
  });
});
