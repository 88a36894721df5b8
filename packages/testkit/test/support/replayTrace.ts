import type { FileHandle, StorageBackend } from "@living-reports/core";
import { isLivingReportsError } from "@living-reports/core";
import type { TraceEvent } from "../../src/trace/traceEvent.js";

/**
 * Replays a trace's calls, in order, on `backend` and checks each gets the recorded result: the
 * proof that events are self-contained (what the crash explorer relies on). Returns the events
 * whose outcome differed on replay.
 */
export async function replayTrace(
  trace: readonly TraceEvent[],
  backend: StorageBackend,
): Promise<TraceEvent[]> {
  const handles = new Map<number, FileHandle>();
  const mismatches: TraceEvent[] = [];
  for (const event of trace) {
    let result: string = "ok";
    try {
      await replayOne(event, backend, handles);
    } catch (err) {
      result = isLivingReportsError(err) ? err.code : "STORAGE_FAILURE";
    }
    if (result !== event.result) mismatches.push(event);
  }
  return mismatches;
}

async function replayOne(event: TraceEvent, backend: StorageBackend, handles: Map<number, FileHandle>) {
  const { args, path } = event;
  const handle = () => {
    const found = event.handle === undefined ? undefined : handles.get(event.handle);
    if (found === undefined) throw new Error(`replay: no handle ${event.handle} for ${event.op}`);
    return found;
  };
  switch (event.op) {
    case "open": {
      const opened = await backend.open(path, args.mode ?? "r");
      if (event.handle !== undefined) handles.set(event.handle, opened);
      return;
    }
    case "write":
      return args.position === undefined
        ? handle().write(args.data ?? new Uint8Array(0))
        : handle().write(args.data ?? new Uint8Array(0), args.position);
    case "read":
      return handle().read(args.length ?? 0, args.position ?? 0);
    case "sync":
      return handle().sync();
    case "datasync":
      return handle().datasync();
    case "truncate":
      return handle().truncate(args.length ?? 0);
    case "close":
      return handle().close();
    case "readFile":
      return backend.readFile(path);
    case "syncDir":
      return backend.syncDir(path);
    case "rename":
      return backend.rename(path, args.to ?? "");
    case "link":
      return backend.link(path, args.to ?? "");
    case "unlink":
      return backend.unlink(path);
    case "mkdir":
      return backend.mkdir(path);
    case "rmdir":
      return backend.rmdir(path);
    case "readdir":
      return backend.readdir(path);
    case "stat":
      return event.handle === undefined ? backend.stat(path) : handle().stat();
    case "utimes":
      return backend.utimes(path, args.mtimeMs ?? 0);
  }
}
