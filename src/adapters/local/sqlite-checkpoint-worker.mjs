// @ts-check
// The checkpointer's worker thread (started by sqlite-checkpointer.ts). Plain JavaScript so that the same file
// runs from the sources (tests) and beside the server bundle (scripts/build-server.mjs copies it there).
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/** @typedef {{ path: string, restartAtPages: number, forceRestartAtPages: number, intervalMs: number }} CheckpointWorkerData */
/** @typedef {{ log: number, checkpointed: number }} CheckpointResult */

const { path, restartAtPages, forceRestartAtPages, intervalMs } = /** @type {CheckpointWorkerData} */ (workerData);
const port = parentPort;
if (!port) throw new Error("sqlite-checkpoint-worker runs as a worker thread");

/** Catching up, a pass that copied at most this many pages leaves little for the pass under held writes. */
const CAUGHT_UP_PAGES = 256;
const MAX_CATCH_UP_PASSES = 10;

const db = new Database(path);
db.pragma("busy_timeout = 5000");

/** @param {"PASSIVE" | "RESTART"} mode */
function checkpoint(mode) {
  const [result] = /** @type {CheckpointResult[]} */ (db.pragma(`wal_checkpoint(${mode})`));
  return result ?? { log: 0, checkpointed: 0 };
}

let stopping = false;
let wake = () => {};
let writesHeld = () => {};
port.on("message", (message) => {
  if (message === "held") writesHeld();
  else {
    stopping = true;
    wake();
    writesHeld();
  }
});

/** @param {number} ms */
const sleep = (ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve(undefined);
    };
  });

/** Asks the main thread to hold its commits; resolves once it does (or the worker is stopping). */
const holdWrites = () =>
  new Promise((resolve) => {
    writesHeld = () => resolve(undefined);
    port.postMessage({ hold: true });
  });

/**
 * A PASSIVE checkpoint copies committed WAL frames into the database file without blocking the writer, but
 * a writer that commits again and again never lets one finish the whole WAL, and only then does the next
 * write start the WAL over from its beginning. So past `restartAtPages` the worker catches up with passes
 * back to back, then has the main thread hold its commits (its event loop goes on) for one last short pass:
 * no commit in between, so the next one starts the WAL over. Only a WAL past `forceRestartAtPages` (other
 * writers kept committing) gets a RESTART checkpoint, which stops the writer in SQLite's busy handler.
 */
async function checkpointOnce() {
  let pass = checkpoint("PASSIVE");
  // Each pass copies what came during the one before, so they shrink while the checkpointer outpaces the writer.
  let lastCopied = Number.POSITIVE_INFINITY;
  for (let passes = 1; pass.log > restartAtPages; passes++) {
    if (pass.log > forceRestartAtPages) {
      checkpoint("RESTART");
      return;
    }
    const before = pass.checkpointed;
    pass = checkpoint("PASSIVE");
    const copied = pass.checkpointed - before;
    if (copied <= CAUGHT_UP_PAGES || copied >= lastCopied || passes === MAX_CATCH_UP_PASSES) {
      await lastPassWithWritesHeld();
      return;
    }
    lastCopied = copied;
  }
}

async function lastPassWithWritesHeld() {
  await holdWrites();
  try {
    checkpoint("PASSIVE");
  } finally {
    port?.postMessage({ release: true });
  }
}

while (!stopping) {
  try {
    await checkpointOnce();
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  await sleep(intervalMs);
}
db.close();
port.close();
