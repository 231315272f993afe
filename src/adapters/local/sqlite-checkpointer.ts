import { Worker } from "node:worker_threads";
import type { SqliteDatabase } from "./sqlite-database.js";

/** Pages (4 KiB) the WAL may reach before the checkpointer has the writer start it over. */
const RESTART_AT_PAGES = 4096;
/** Past this, a RESTART checkpoint makes the writer wait for the WAL to be started over. */
const FORCE_RESTART_AT_PAGES = 4 * RESTART_AT_PAGES;
/** Safety net for the writer's own connection while the worker runs: SQLite's automatic checkpoint. */
const WRITER_AUTOCHECKPOINT_PAGES = 2 * FORCE_RESTART_AT_PAGES;
/** SQLite's default automatic checkpoint, which the writer returns to should the worker stop. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
const INTERVAL_MS = 50;
/** Longest the writer's commits are held for the worker's last pass, whatever the worker does. */
const MAX_HOLD_MS = 250;

/** The worker's script: plain JavaScript, found beside this module and beside the server bundle alike. */
const WORKER_SCRIPT = new URL("./sqlite-checkpoint-worker.mjs", import.meta.url);

export interface Checkpointer {
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /**
   * Holds the writer's commits until `released` settles (they queue; the event loop goes on): the worker's
   * moment to copy the last frames, so that the next commit starts the WAL over.
   */
  holdWrites?: (released: Promise<void>) => void;
  restartAtPages?: number;
  forceRestartAtPages?: number;
  intervalMs?: number;
  /** The worker's script (tests substitute one that fails). */
  workerScript?: URL;
}

type WorkerMessage = { error: string } | { hold: true } | { release: true };

/**
 * Checkpoints the WAL of the writer's database from a worker thread with its own connection, so the writer's
 * event loop never stops for one: SQLite's automatic checkpoint runs inside the commit that crosses its
 * threshold, and with the fsync it ends with it held some commits for 10-40 ms here (the accept path's p99).
 * Meanwhile the writer keeps only a far larger automatic threshold as a safety net; should the worker stop
 * (it failed to start or crashed), the writer goes back to SQLite's default and checkpoints itself.
 */
export function startBackgroundCheckpointer(
  writer: SqliteDatabase,
  onError: (message: string) => void,
  {
    holdWrites,
    restartAtPages = RESTART_AT_PAGES,
    forceRestartAtPages = FORCE_RESTART_AT_PAGES,
    intervalMs = INTERVAL_MS,
    workerScript = WORKER_SCRIPT,
  }: CheckpointerOptions = {},
): Checkpointer {
  writer.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  let stopping = false;
  let release = () => {};
  const worker = new Worker(workerScript, {
    workerData: { path: writer.name, restartAtPages, forceRestartAtPages, intervalMs },
  });
  worker.on("message", (message: WorkerMessage) => {
    if ("error" in message) onError(message.error);
    else if ("hold" in message) {
      const released = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, MAX_HOLD_MS);
        release = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      holdWrites?.(released);
      worker.postMessage("held");
    } else release();
  });
  worker.on("error", (error) => onError(error.message));
  worker.on("exit", () => {
    release();
    if (stopping || !writer.open) return;
    writer.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    onError("The checkpoint worker stopped; the writer checkpoints the WAL itself from now on");
  });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        worker.once("exit", () => resolve());
        worker.ref(); // until it has closed its connection: the process may have nothing else left to wait for
        worker.postMessage("stop");
      }),
  };
}
