// @ts-check
// The checkpointer's worker thread (started by sqlite-checkpointer.ts). Plain JavaScript so that the same file
// runs from the sources (tests) and beside the server bundle (scripts/build-server.mjs copies it there).
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/** @typedef {{ path: string, restartAtPages: number, intervalMs: number }} CheckpointWorkerData */

const { path, restartAtPages, intervalMs } = /** @type {CheckpointWorkerData} */ (workerData);
const port = parentPort;
if (!port) throw new Error("sqlite-checkpoint-worker runs as a worker thread");

const db = new Database(path);
db.pragma("busy_timeout = 5000");

/**
 * A PASSIVE checkpoint copies committed WAL frames into the database file without blocking the writer. When
 * the WAL has grown past the limit anyway (the writer never paused long enough for a checkpoint to catch up
 * and let the WAL start over), a RESTART checkpoint waits for the writer's current transaction, finishes the
 * copy, and makes the next write reuse the WAL from its start.
 */
function checkpoint() {
  const [passive] = /** @type {Array<{ log: number }>} */ (db.pragma("wal_checkpoint(PASSIVE)"));
  if (passive && passive.log > restartAtPages) db.pragma("wal_checkpoint(RESTART)");
}

/** @type {NodeJS.Timeout | undefined} */
let timer;
function run() {
  try {
    checkpoint();
  } catch (error) {
    port?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  timer = setTimeout(run, intervalMs);
}
run();

port.on("message", () => {
  clearTimeout(timer);
  db.close();
  port.close();
});
