// `npm start` runs this first: build the web app and the server bundle when missing or older than their sources.
import { execSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureServerBuild } from "./build-server.mjs";

const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

let built = 0;
try {
  built = statSync("web/dist/index.html").mtimeMs;
} catch {
  // not built yet
}
if (built < Math.max(newest("web/src"), statSync("web/index.html").mtimeMs)) {
  process.stdout.write("Building the web app (web/dist)…\n");
  execSync("npm run build:web", { stdio: "inherit" });
}
if (await ensureServerBuild()) process.stdout.write("Built the server (dist/runtime/local/main.mjs).\n");
