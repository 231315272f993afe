import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createJsonLogger } from "./json-logger.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import { SqliteScheduler } from "./sqlite-scheduler.js";
import { createUlidGenerator } from "./system-clock.js";

const logger = createJsonLogger({ level: "silent" });

function scheduler(path: string, now: () => number) {
  const db = openSqliteDatabase(path);
  const clock = { now: () => new Date(now()) };
  let fired = 0;
  const s = new SqliteScheduler({ db, clock, ids: createUlidGenerator(clock), logger, onFired: () => fired++ });
  return { db, s, store: new SqliteItemStore(db), fired: () => fired };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SqliteScheduler", () => {
  it("turns a due timer into one outbox event, and moving or cancelling a timer is honoured", async () => {
    // Fake timers drive both the scheduler's sleeps and its clock: time passes only when the test says so.
    vi.useFakeTimers({ now: Date.parse("2026-06-01T12:00:00Z") });
    const start = Date.now();
    const { s, store, fired } = scheduler(":memory:", () => Date.now());
    const events = async (key: string) => (await store.listByKey(key)).map((e) => e.type);
    s.start();
    await s.schedule("close-a", new Date(start + 60_000), { type: "auction_close_due", key: "a" });
    await s.schedule("close-a", new Date(start + 30_000), { type: "auction_close_due", key: "a" });
    await s.schedule("close-b", new Date(start + 30_000), { type: "auction_close_due", key: "b" });
    await s.cancel("close-b");

    await vi.advanceTimersByTimeAsync(29_999);
    expect(await events("a")).toEqual([]);
    expect(fired()).toBe(0);

    await vi.advanceTimersByTimeAsync(1);
    expect(await events("a")).toEqual(["auction_close_due"]);
    expect(fired()).toBe(1);

    // Past the end the timer was moved from: it does not fire again, and the cancelled one never does.
    await vi.advanceTimersByTimeAsync(120_000);
    s.stop();
    expect(await events("a")).toEqual(["auction_close_due"]);
    expect(await events("b")).toEqual([]);
    expect(fired()).toBe(1);
  });

  it("fires a timer scheduled while it sleeps at its due time, and none after it is stopped", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-06-01T12:00:00Z") });
    const start = Date.now();
    const { db, s, store, fired } = scheduler(":memory:", () => Date.now());
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);
    await s.schedule("soon", new Date(start + 5_250), { type: "auction_close_due", key: "soon", data: { n: 1 } });
    await vi.advanceTimersByTimeAsync(250);
    expect(await store.listByKey("soon")).toMatchObject([{ type: "auction_close_due", key: "soon", data: { n: 1 } }]);
    expect(fired()).toBe(1);

    // Timers set just before or after stopping wait in the database for the next start.
    await s.schedule("later", new Date(start + 10_000), { type: "auction_close_due", key: "later" });
    s.stop();
    await s.schedule("after-stop", new Date(start + 10_000), { type: "auction_close_due", key: "after-stop" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await store.listByKey("later")).toEqual([]);
    expect(await store.listByKey("after-stop")).toEqual([]);
    expect(fired()).toBe(1);
    expect(db.prepare("SELECT id FROM timers ORDER BY id").all()).toEqual([{ id: "after-stop" }, { id: "later" }]);
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
