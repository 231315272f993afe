import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { composeLocalRuntime } from "./compose.js";
import { loadConfig } from "./config.js";

describe("the local runtime", () => {
  it("deletes expired items when it starts, with event dispatch off too", async () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), "orderflow-compose-")),
      LOG_LEVEL: "silent",
      SEED: "false",
      DISPATCH_ENABLED: "false",
    });
    const runtime = composeLocalRuntime(config);
    const nowSeconds = Math.floor(Date.now() / 1000);
    await runtime.store.put({ pk: "IDEMPOTENCY#s#old", sk: "IDEMPOTENCY", expiresAt: nowSeconds - 60 });
    await runtime.store.put({ pk: "IDEMPOTENCY#s#new", sk: "IDEMPOTENCY", expiresAt: nowSeconds + 3600 });
    await runtime.start();
    try {
      expect(await runtime.store.get({ pk: "IDEMPOTENCY#s#old", sk: "IDEMPOTENCY" })).toBeUndefined();
      expect(await runtime.store.get({ pk: "IDEMPOTENCY#s#new", sk: "IDEMPOTENCY" })).toBeDefined();
    } finally {
      await runtime.stop();
    }
  });
});
