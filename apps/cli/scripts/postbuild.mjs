// Checks that the built entry point starts with its shebang and makes it executable, so that
// `npm install -g` and `npx living-reports` run it directly.
import { chmodSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const text = readFileSync(bin, "utf8");
if (!text.startsWith("#!/usr/bin/env node\n")) {
  console.error(`postbuild: ${bin} does not start with "#!/usr/bin/env node"`);
  process.exit(1);
}
chmodSync(bin, 0o755);
