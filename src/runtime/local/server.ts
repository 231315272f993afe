import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { composeLocalRuntime, type LocalOverrides } from "./compose.js";
import type { LocalConfig } from "./config.js";
import { withWebApp } from "./web-app.js";

/** Starts the embedded runtime and its HTTP server; resolves once it is listening. */
export async function startServer(config: LocalConfig, overrides: LocalOverrides = {}) {
  const runtime = composeLocalRuntime(config, overrides);
  await runtime.start();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      { fetch: withWebApp({ fetch: runtime.fetch }), port: config.port, hostname: config.host },
      () => resolve(started),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    runtime,
    port,
    url: `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.stop();
    },
  };
}
