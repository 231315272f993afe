import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startBackgroundCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from "./sqlite-checkpointer.js";
import { openSqliteDatabase } from "./sqlite-database.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database() {
  const dir = mkdtempSync(join(tmpdir(), "orderflow-checkpoint-"));
  dirs.push(dir);
  const path = join(dir, "orderflow.db");
  const db = openSqliteDatabase(path);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const insert = db.prepare("INSERT INTO items (pk, sk, data) VALUES (?, 'ITEM', ?)");
  let next = 0;
  const writeMegabyte = db.transaction(() => {
    for (let i = 0; i < 512; i++) insert.run(`ITEM#${next++}`, "x".repeat(2000));
  });
  return { db, path, writeMegabyte };
}

const waitUntil = async (condition: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
};

describe("background WAL checkpointer", () => {
  it("copies committed pages into the database file while the writer's own checkpoint is far off", async () => {
    const { db, path, writeMegabyte } = database();
    for (let i = 0; i < 4; i++) writeMegabyte();
    // 4 MB sit in the WAL: far below the writer's automatic checkpoint, so only the worker can move them.
    expect(statSync(path).size).toBeLessThan(1024 * 1024);
    const checkpointer = startBackgroundCheckpointer(path, (message) => expect.fail(message));
    expect(await waitUntil(() => statSync(path).size > 4 * 1024 * 1024)).toBe(true);
    await checkpointer.stop();
    expect((db.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n).toBe(2048);
    db.close();
  });

  it("keeps the WAL bounded under a writer that never pauses long enough for a checkpoint to catch up", async () => {
    const { db, path, writeMegabyte } = database();
    const checkpointer = startBackgroundCheckpointer(path, (message) => expect.fail(message), {
      restartAtPages: 512,
      intervalMs: 20,
    });
    for (let i = 0; i < 60; i++) {
      writeMegabyte();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await checkpointer.stop();
    // 60 MB written; the WAL was started over each time it passed 2 MB, so it never grew near that.
    expect(statSync(`${path}-wal`).size).toBeLessThan(20 * 1024 * 1024);
    expect((db.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n).toBe(60 * 512);
    db.close();
  });

  it("stops cleanly in a process that has nothing else to wait for", () => {
    const { db, path } = database();
    db.close();
    const module = fileURLToPath(new URL("./sqlite-checkpointer.ts", import.meta.url));
    const script = `import { startBackgroundCheckpointer } from ${JSON.stringify(module)};
      await startBackgroundCheckpointer(${JSON.stringify(path)}, console.error).stop();
      console.log("stopped");`;
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(output.trim()).toBe("stopped");
  });
});
