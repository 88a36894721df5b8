// Before `npm pack`: copies the built living-reports packages this CLI depends on into its own
// node_modules, as real directories, so that npm bundles them (`bundleDependencies`) and the CLI
// tarball installs alone, before (or without) any other living-reports tarball. After the pack,
// `node scripts/bundleDeps.mjs --clean` removes the copies again (the workspace links serve
// development). The third-party dependencies of the bundled packages must be dependencies of
// the CLI too, so that npm installs them where the bundled packages find them: checked here.
import { cpSync, existsSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"));
const bundled = manifest.bundleDependencies ?? [];
const target = join(cli, "node_modules", "@living-reports");
rmSync(target, { recursive: true, force: true });
if (process.argv.includes("--clean")) process.exit(0);

const require = createRequire(join(cli, "package.json"));
const missing = [];
for (const name of bundled) {
  const source = dirname(realpathSync(require.resolve(`${name}/package.json`)));
  const pkg = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  if (!existsSync(join(source, "dist"))) throw new Error(`${name} is not built (no dist/ in ${source})`);
  const into = join(cli, "node_modules", name);
  for (const entry of ["package.json", "README.md", "LICENSE", "dist"]) {
    if (existsSync(join(source, entry))) cpSync(join(source, entry), join(into, entry), { recursive: true });
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (!bundled.includes(dep) && manifest.dependencies?.[dep] === undefined)
      missing.push(`${dep} (of ${name})`);
  }
}
if (missing.length > 0) {
  rmSync(target, { recursive: true, force: true });
  throw new Error(`add to apps/cli dependencies what the bundled packages need: ${missing.join(", ")}`);
}
console.error(`bundled ${bundled.join(", ")}`);
