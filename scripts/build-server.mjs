// Bundles the local runtime (src/runtime/local/main.ts) into dist/runtime/local/main.mjs with esbuild, so
// `npm start` loads one JavaScript file instead of transpiling TypeScript at every start. Packages stay
// external (resolved from node_modules); the bundle sits as deep as its source, so paths relative to it
// (workflows/, web/dist/) resolve as from src/runtime/local/. Worker threads' scripts (plain JavaScript,
// started by URL relative to their module) are copied beside it.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SERVER_BUNDLE = join(ROOT, "dist/runtime/local/main.mjs");
/**
 * The Node options `npm start` runs the bundle with, as package.json's start script spells them: tests and
 * the bench start the server the same way.
 */
export const SERVER_NODE_OPTIONS = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))
  .scripts.start.split(/\s+/)
  .filter((word) => word.startsWith("--"));
const WORKER_SCRIPTS = ["src/adapters/local/sqlite-checkpoint-worker.mjs"];

const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

function builtAt() {
  try {
    return statSync(SERVER_BUNDLE).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the server bundle when it is missing or older than any source file (or always, with force). */
export async function ensureServerBuild({ force = false } = {}) {
  if (!force && builtAt() >= newest(join(ROOT, "src"))) return false;
  const result = await build({
    entryPoints: [join(ROOT, "src/runtime/local/main.ts")],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    write: false,
    logLevel: "warning",
  });
  const workers = WORKER_SCRIPTS.map((script) => ({
    path: join(dirname(SERVER_BUNDLE), basename(script)),
    contents: readFileSync(join(ROOT, script)),
  }));
  // Written beside and renamed into place: a server starting meanwhile never reads half a file.
  mkdirSync(dirname(SERVER_BUNDLE), { recursive: true });
  for (const file of [...workers, ...result.outputFiles]) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await ensureServerBuild({ force: process.argv.includes("--force") });
}
