/**
 * Copies the repository's legacy-store fixtures (the stores the Python module wrote) into this
 * package's `fixtures/`, before it is packed, so that `describeLegacyStores` finds them in an
 * installed package too (`legacyFixturesDir()`). The copy is not committed (see .gitignore).
 */
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const from = fileURLToPath(new URL("../../../test-fixtures/legacy-python", import.meta.url));
const to = fileURLToPath(new URL("../fixtures/legacy-python", import.meta.url));
if (!existsSync(from)) throw new Error(`no legacy fixtures at ${from}`);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true, preserveTimestamps: true });
console.error(`copied the legacy fixtures into ${to}`);
