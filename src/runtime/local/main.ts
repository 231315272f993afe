import "./polyfills.js";
import { loadConfig } from "./config.js";
import { startServer } from "./server.js";

/* The `npm start` entry point: the whole system in one process, with data under DATA_DIR. */
async function main() {
  const config = loadConfig(process.env);
  const started = Date.now();
  const server = await startServer(config);
  const { runtime } = server;
  runtime.logger.info("orderflow ready", { url: config.publicUrl, port: server.port, startMs: Date.now() - started });
  process.stdout.write(
    [
      "",
      `  ${config.shopName} is open at ${config.publicUrl}`,
      `  API description: ${config.publicUrl}/openapi.json`,
      `  Data folder:     ${config.dataDir} (database, receipts, e-mails under mail/)`,
      ...(config.seed
        ? [
            "  Sign in (POST /auth/sign-in) as admin@orderflow.local, maker@orderflow.local,",
            `  courier@orderflow.local, seller@orderflow.local or customer@orderflow.local with password "${config.demoPassword}".`,
          ]
        : []),
      "  Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info("shutting down", { signal });
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
