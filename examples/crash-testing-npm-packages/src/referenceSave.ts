// A hand-written save that is durable when it resolves: temp file, write, fsync, close, rename,
// fsync of the directory. Plain node:fs/promises, as an application would write it.
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";

export async function saveDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, "w");
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
