import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "./json-logger.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import { SqliteScheduler } from "./sqlite-scheduler.js";
import { createUlidGenerator } from "./system-clock.js";

const logger = createJsonLogger({ level: "silent" });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function scheduler(path: string, now: () => number) {
  const db = openSqliteDatabase(path);
  const clock = { now: () => new Date(now()) };
  let fired = 0;
  const s = new SqliteScheduler({ db, clock, ids: createUlidGenerator(clock), logger, onFired: () => fired++ });
  return { db, s, store: new SqliteItemStore(db), fired: () => fired };
}

describe("SqliteScheduler", () => {
  it("turns a due timer into one outbox event, and moving or cancelling a timer is honoured", async () => {
    let now = Date.now();
    const { s, store } = scheduler(":memory:", () => now);
    s.start();
    await s.schedule("close-a", new Date(now + 60_000), { type: "auction_close_due", key: "a" });
    await s.schedule("close-a", new Date(now + 30_000), { type: "auction_close_due", key: "a" });
    await s.schedule("close-b", new Date(now + 30_000), { type: "auction_close_due", key: "b" });
    await s.cancel("close-b");
    await wait(50);
    expect(await store.listByKey("a")).toEqual([]);
    now += 31_000;
    await wait(1100);
    now += 120_000;
    await wait(1100);
    s.stop();
    expect((await store.listByKey("a")).map((e) => e.type)).toEqual(["auction_close_due"]);
    expect(await store.listByKey("b")).toEqual([]);
  });

  it("fires a timer that came due while the process was down as soon as it starts", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-timers-")), "t.db");
    let now = Date.now();
    const first = scheduler(path, () => now);
    await first.s.schedule("close-x", new Date(now + 10_000), { type: "auction_close_due", key: "x" });
    first.db.close();
    now += 20_000;
    const second = scheduler(path, () => now);
    second.s.start();
    second.s.stop();
    expect((await second.store.listByKey("x")).map((e) => e.type)).toEqual(["auction_close_due"]);
    expect(second.fired()).toBe(1);
  });
});
