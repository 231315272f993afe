import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { composeLocalRuntime, type LocalOverrides } from "./compose.js";
import type { LocalConfig } from "./config.js";
import { withWebApp } from "./web-app.js";

/** How long requests in progress may take to finish when the server stops. */
const SHUTDOWN_GRACE_MS = 2_000;

/** Why the server could not listen, said so that the person starting it knows what to change. */
function listenError(error: unknown, config: LocalConfig): unknown {
  const code = (error as { code?: string }).code;
  const where = `${config.host}:${config.port}`;
  if (code === "EADDRINUSE") {
    return new Error(`Port ${config.port} is in use (${where}): stop what is using it, or start with another PORT`, {
      cause: error,
    });
  }
  if (code === "EACCES") {
    return new Error(`Not allowed to listen on ${where}: choose a PORT above 1023, or HOST`, { cause: error });
  }
  return error;
}

/** Starts the embedded runtime and its HTTP server; resolves once it is listening. */
export async function startServer(config: LocalConfig, overrides: LocalOverrides = {}) {
  const runtime = composeLocalRuntime(config, overrides);
  await runtime.start();
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const started = serve(
        { fetch: withWebApp({ fetch: runtime.fetch }), port: config.port, hostname: config.host },
        () => resolve(started as Server), // HTTP/1.1: no createServer option is given
      );
      started.once("error", reject);
    });
  } catch (error) {
    await runtime.stop();
    throw listenError(error, config);
  }
  const port = (server.address() as AddressInfo).port;
  return {
    runtime,
    port,
    url: `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`,
    /** Stops listening, lets requests in progress finish, ends live streams, then stops the runtime. */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Live timelines (SSE) never end on their own: ordinary requests get a moment, then what is left is cut
      // (browsers reconnect to the next server).
      const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(cut);
      await runtime.stop();
    },
  };
}
