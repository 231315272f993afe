import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES, startBackgroundCheckpointer } from "./sqlite-checkpointer.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database() {
  const dir = mkdtempSync(join(tmpdir(), "orderflow-checkpoint-"));
  dirs.push(dir);
  const path = join(dir, "orderflow.db");
  const db = openSqliteDatabase(path);
  const insert = db.prepare("INSERT INTO items (pk, sk, data) VALUES (?, 'ITEM', ?)");
  let next = 0;
  const writeMegabyte = db.transaction(() => {
    for (let i = 0; i < 512; i++) insert.run(`ITEM#${next++}`, "x".repeat(2000));
  });
  return { db, path, writeMegabyte };
}

/** How many times the WAL was started over: the checkpoint sequence number in its header (big-endian, at 12). */
const walStartedOver = (path: string) => readFileSync(`${path}-wal`).readUInt32BE(12);

const waitUntil = async (condition: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
};

describe("background WAL checkpointer", () => {
  it("copies committed pages into the database file while the writer's own checkpoint is far off", async () => {
    const { db, path, writeMegabyte } = database();
    db.pragma("wal_autocheckpoint = 0");
    for (let i = 0; i < 4; i++) writeMegabyte();
    expect(statSync(path).size).toBeLessThan(1024 * 1024);
    // 4 MB sit in the WAL, far below the writer's automatic checkpoint from now on: only the worker can move them.
    const checkpointer = startBackgroundCheckpointer(db, (message) => expect.fail(message));
    expect(await waitUntil(() => statSync(path).size > 4 * 1024 * 1024)).toBe(true);
    await checkpointer.stop();
    expect((db.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n).toBe(2048);
    db.close();
  });

  it("starts the WAL over by holding the writer's commits for a last pass, never stopping its event loop", async () => {
    const { db, path, writeMegabyte } = database();
    const store = new SqliteItemStore(db);
    const holds: number[] = [];
    const checkpointer = startBackgroundCheckpointer(db, (message) => expect.fail(message), {
      holdWrites: (released) => {
        const started = performance.now();
        store.holdWritesUntil(released.then(() => void holds.push(performance.now() - started)));
      },
      restartAtPages: 512,
      forceRestartAtPages: Number.POSITIVE_INFINITY, // never a RESTART checkpoint
      intervalMs: 20,
    });
    writeMegabyte();
    // Once the worker runs (its first checkpoint has copied that megabyte; starting it may take a while on a
    // busy machine, and the WAL meanwhile holds all that is written):
    expect(await waitUntil(() => statSync(path).size > 1024 * 1024)).toBe(true);
    // 40 MB in commits of 100 KB, never waiting for one before sending the next few.
    const row = "x".repeat(2000);
    for (let batch = 0; batch < 400; batch += 4) {
      await Promise.all(
        [0, 1, 2, 3].map((n) =>
          store.transact(
            Array.from({ length: 50 }, (_, i) => ({
              op: "put" as const,
              item: { pk: `ITEM#${batch + n}-${i}`, sk: "ITEM", data: row },
            })),
            [],
          ),
        ),
      );
    }
    await checkpointer.stop();
    expect(holds.length).toBeGreaterThan(0);
    // Each hold but the ones cut short let the next commit start the WAL over (no RESTART checkpoint here).
    expect(walStartedOver(path)).toBeGreaterThanOrEqual(Math.min(3, holds.length));
    expect(statSync(`${path}-wal`).size).toBeLessThan(40 * 1024 * 1024);
    expect((db.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n).toBe(512 + 400 * 50);
    db.close();
  });

  it("keeps the WAL bounded under a writer whose commits cannot be held", async () => {
    const { db, path, writeMegabyte } = database();
    const checkpointer = startBackgroundCheckpointer(db, (message) => expect.fail(message), {
      restartAtPages: 256,
      forceRestartAtPages: 512,
      intervalMs: 20,
    });
    writeMegabyte();
    // Once the worker runs (its first checkpoint has copied that megabyte), the writer never pauses for long.
    expect(await waitUntil(() => statSync(path).size > 1024 * 1024)).toBe(true);
    for (let i = 1; i < 60; i++) {
      writeMegabyte();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await checkpointer.stop();
    // 60 MB written; a RESTART checkpoint started the WAL over each time it passed 2 MB, so it never grew near that.
    expect(statSync(`${path}-wal`).size).toBeLessThan(20 * 1024 * 1024);
    expect((db.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n).toBe(60 * 512);
    db.close();
  });

  it("stops cleanly in a process that has nothing else to wait for", () => {
    const { db, path } = database();
    db.close();
    const module = (name: string) => JSON.stringify(fileURLToPath(new URL(name, import.meta.url)));
    const script = `import { startBackgroundCheckpointer } from ${module("./sqlite-checkpointer.ts")};
      import { openSqliteDatabase } from ${module("./sqlite-database.ts")};
      await startBackgroundCheckpointer(openSqliteDatabase(${JSON.stringify(path)}), console.error).stop();
      console.log("stopped");`;
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(output.trim()).toBe("stopped");
  });

  it("hands checkpoints back to the writer when the worker stops", async () => {
    const { db, path, writeMegabyte } = database();
    const errors: string[] = [];
    const failing = new URL("data:text/javascript,throw new Error('the worker failed')");
    startBackgroundCheckpointer(db, (message) => errors.push(message), { workerScript: failing });
    expect(await waitUntil(() => errors.length === 2)).toBe(true);
    expect(errors).toEqual([
      "the worker failed",
      "The checkpoint worker stopped; the writer checkpoints the WAL itself from now on",
    ]);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);
    // The writer's own checkpoints now keep the WAL near SQLite's default size (1,000 pages).
    for (let i = 0; i < 20; i++) writeMegabyte();
    expect(statSync(`${path}-wal`).size).toBeLessThan(8 * 1024 * 1024);
    expect(statSync(path).size).toBeGreaterThan(16 * 1024 * 1024);
    db.close();
  });

  it("lets the writer's commits go after a while, whatever the worker does", async () => {
    const { db } = database();
    const neverReleases = new URL(
      `data:text/javascript,${encodeURIComponent(`import { parentPort } from "node:worker_threads";
        parentPort.postMessage({ hold: true });
        parentPort.on("message", (message) => { if (message === "stop") parentPort.close(); });`)}`,
    );
    let held: Promise<void> | undefined;
    const checkpointer = startBackgroundCheckpointer(db, (message) => expect.fail(message), {
      holdWrites: (released) => {
        held = released;
      },
      workerScript: neverReleases,
    });
    expect(await waitUntil(() => held !== undefined)).toBe(true);
    const started = Date.now();
    await held;
    expect(Date.now() - started).toBeLessThan(1000);
    await checkpointer.stop();
    db.close();
  });
});
