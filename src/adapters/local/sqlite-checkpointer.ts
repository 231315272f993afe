import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Pages (4 KiB) the WAL may reach before the checkpointer makes the next writer start it over. */
const RESTART_AT_PAGES = 4096;
/** Safety net for the writer's own connection, should the checkpointer stop: SQLite's automatic checkpoint. */
export const WRITER_AUTOCHECKPOINT_PAGES = 2 * RESTART_AT_PAGES;
const INTERVAL_MS = 50;

/*
 * Runs in a worker thread with its own connection. A PASSIVE checkpoint copies committed WAL frames into
 * the database file without blocking the writer; when the WAL has grown past the limit anyway (the writer
 * never paused long enough for a checkpoint to catch up and let the WAL start over), a RESTART checkpoint
 * waits for the writer's current transaction, finishes the copy, and makes the next write reuse the WAL
 * from its start.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
let timer;
const run = () => {
  try {
    const [passive] = db.pragma("wal_checkpoint(PASSIVE)");
    if (passive.log > workerData.restartAtPages) db.pragma("wal_checkpoint(RESTART)");
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
  timer = setTimeout(run, workerData.intervalMs);
};
run();
parentPort.on("message", () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Checkpoints the WAL of the database at `path` from a worker thread, so the writer's event loop never
 * stops for one: SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and with
 * the fsync it ends with it held some commits for 10-40 ms here (the accept path's p99). The writer's
 * connection keeps a far larger automatic threshold as a safety net (WRITER_AUTOCHECKPOINT_PAGES).
 */
export function startBackgroundCheckpointer(
  path: string,
  onError: (message: string) => void,
  { restartAtPages = RESTART_AT_PAGES, intervalMs = INTERVAL_MS } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, restartAtPages, intervalMs },
  });
  worker.on("message", (message: { error?: string }) => {
    if (message.error) onError(message.error);
  });
  worker.on("error", (error) => onError(error.message));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.ref(); // until it has closed its connection: the process may have nothing else left to wait for
        worker.postMessage("stop");
      }),
  };
}
