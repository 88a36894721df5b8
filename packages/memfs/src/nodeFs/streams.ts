import { Readable, Writable } from "node:stream";
import type { FsFacade } from "./createFs.js";

interface StreamOptions {
  flags?: string;
  encoding?: BufferEncoding;
  fd?: number | { fd: number };
  autoClose?: boolean;
  start?: number;
  flush?: boolean;
  highWaterMark?: number;
}

function optionsOf(options: unknown): StreamOptions {
  return typeof options === "string"
    ? { encoding: options as BufferEncoding }
    : ((options ?? {}) as StreamOptions);
}

function fdOf(options: StreamOptions): number | undefined {
  return typeof options.fd === "object" ? options.fd.fd : options.fd;
}

/**
 * `createWriteStream` over the facade's callback API: open (flags `w`), a write per chunk, close
 * at the end (fsync first when `flush`), so a stream's writes are as volatile as any others.
 */
export function createWriteStream(fs: FsFacade, path: string, rawOptions?: unknown): Writable {
  const options = optionsOf(rawOptions);
  let fd = fdOf(options);
  let position = options.start;
  const opened = (): Promise<number> =>
    fd !== undefined
      ? Promise.resolve(fd)
      : fs.promises.open(path, options.flags ?? "w").then((h) => (fd = h.fd));
  return new Writable({
    decodeStrings: true,
    write(chunk: Buffer, _encoding, done) {
      opened().then(
        (descriptor) =>
          fs.write(descriptor, chunk, 0, chunk.length, position ?? null, (err) => {
            if (position !== undefined) position += chunk.length;
            done(err);
          }),
        done,
      );
    },
    final(done) {
      opened().then((descriptor) => {
        const close = (err?: Error | null): void => {
          if (err || options.autoClose === false) done(err);
          else fs.close(descriptor, (closeErr) => done(closeErr));
        };
        if (options.flush === true) fs.fsync(descriptor, close);
        else close();
      }, done);
    },
  });
}

/** `createReadStream` over the facade's callback API: open, reads to the end, close. */
export function createReadStream(fs: FsFacade, path: string, rawOptions?: unknown): Readable {
  const options = optionsOf(rawOptions);
  let fd = fdOf(options);
  let position = options.start;
  const size = options.highWaterMark ?? 64 * 1024;
  const opened = (): Promise<number> =>
    fd !== undefined
      ? Promise.resolve(fd)
      : fs.promises.open(path, options.flags ?? "r").then((h) => (fd = h.fd));
  const stream = new Readable({
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    read() {
      opened().then(
        (descriptor) =>
          fs.read(descriptor, Buffer.alloc(size), 0, size, position ?? null, (err, n, buffer) => {
            if (err) {
              stream.destroy(err);
              return;
            }
            if (position !== undefined) position += n;
            if (n > 0) stream.push((buffer as Buffer).subarray(0, n));
            else if (options.autoClose === false) stream.push(null);
            else
              fs.close(descriptor, (closeErr) => (closeErr ? stream.destroy(closeErr) : stream.push(null)));
          }),
        (err: Error) => stream.destroy(err),
      );
    },
  });
  return stream;
}
