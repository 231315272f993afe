import "../src/runtime/local/polyfills.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeLocalRuntime } from "../src/runtime/local/compose.js";
import { loadConfig } from "../src/runtime/local/config.js";

/* `npm run openapi`: writes the OpenAPI document generated from the zod schemas to docs/openapi.json. */
const dataDir = mkdtempSync(join(tmpdir(), "orderflow-openapi-"));
const runtime = composeLocalRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", SEED: "false" }));
const document = await (await runtime.app.request("/openapi.json")).json();
writeFileSync(new URL("../docs/openapi.json", import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
await runtime.stop();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`docs/openapi.json: ${Object.keys(document.paths).length} paths\n`);
