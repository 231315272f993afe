import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Item } from "../../ports/item-store.js";
import { createJsonLogger } from "./json-logger.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { type ObservedWrite, SqliteItemStore } from "./sqlite-item-store.js";
import { startTtlSweeper, type TtlSweeper } from "./ttl-sweeper.js";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const nowSeconds = NOW / 1000;
const silent = createJsonLogger({ level: "silent" });
const clock = { now: () => new Date(NOW) };

const expiring = (pk: string, expiresAt: number): Item => ({ pk, sk: "X", expiresAt });

async function storeWith(items: Item[], options: ConstructorParameters<typeof SqliteItemStore>[1] = {}) {
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"), options);
  await store.transact(items.map((item) => ({ op: "put" as const, item })));
  return store;
}

async function keysIn(store: SqliteItemStore, pks: string[]): Promise<string[]> {
  const found = await Promise.all(pks.map((pk) => store.get({ pk, sk: "X" })));
  return found.flatMap((item) => (item ? [item.pk] : []));
}

describe("SqliteItemStore.deleteExpired", () => {
  it("deletes items expired before now; keeps those expiring now or later and those without expiry", async () => {
    const store = await storeWith([
      expiring("GONE#1", nowSeconds - 1),
      expiring("GONE#2", nowSeconds - 86_400),
      expiring("KEPT#now", nowSeconds),
      expiring("KEPT#later", nowSeconds + 60),
      { pk: "KEPT#forever", sk: "X" },
    ]);
    expect(store.deleteExpired(nowSeconds, 500)).toBe(2);
    expect(await keysIn(store, ["GONE#1", "GONE#2", "KEPT#now", "KEPT#later", "KEPT#forever"])).toEqual([
      "KEPT#now",
      "KEPT#later",
      "KEPT#forever",
    ]);
  });

  it("deletes at most `limit` rows per call", async () => {
    const store = await storeWith(Array.from({ length: 5 }, (_, i) => expiring(`GONE#${i}`, nowSeconds - 10)));
    expect([2, 2, 2].map(() => store.deleteExpired(nowSeconds, 2))).toEqual([2, 2, 1]);
  });

  it("drops a deleted item from the row cache, so `get` no longer serves it", async () => {
    const store = await storeWith([expiring("AUCTION#1", nowSeconds - 1)], { cacheRows: () => true });
    expect(await store.get({ pk: "AUCTION#1", sk: "X" })).toBeDefined();
    store.deleteExpired(nowSeconds, 500);
    expect(await store.get({ pk: "AUCTION#1", sk: "X" })).toBeUndefined();
  });

  it("reports nothing to write observers: TTL deletes are not billed writes", async () => {
    const store = await storeWith([expiring("GONE#1", nowSeconds - 1)]);
    const seen: ObservedWrite[] = [];
    store.observeWrites((write) => seen.push(write));
    expect(store.deleteExpired(nowSeconds, 500)).toBe(1);
    expect(seen).toEqual([]);
  });

  it("has the expiry index in a database opened before the index existed", () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-")), "store.db");
    const older = openSqliteDatabase(path);
    older.exec("DROP INDEX items_expiry");
    older.close();
    const reopened = openSqliteDatabase(path);
    const index = reopened.prepare("SELECT sql FROM sqlite_master WHERE name = 'items_expiry'").get();
    expect(index).toMatchObject({ sql: expect.stringContaining("WHERE expires_at IS NOT NULL") });
    reopened.close();
  });
});

describe("startTtlSweeper", () => {
  let sweeper: TtlSweeper | undefined;
  afterEach(async () => {
    await sweeper?.stop();
    vi.useRealTimers();
  });

  it("sweeps at start, batch by batch, letting other work run between batches", async () => {
    const store = await storeWith(Array.from({ length: 5 }, (_, i) => expiring(`GONE#${i}`, nowSeconds - 10)));
    const turns: string[] = [];
    const deleteExpired = store.deleteExpired.bind(store);
    const spied = {
      deleteExpired: (now: number, limit: number) => {
        turns.push(`batch of at most ${limit}`);
        return deleteExpired(now, limit);
      },
    };
    setImmediate(() => turns.push("other work"));
    sweeper = startTtlSweeper({ store: spied, clock, logger: silent, intervalMs: 60_000, batchSize: 2 });
    expect(await sweeper.sweep()).toBe(5);
    expect(turns).toEqual(["batch of at most 2", "other work", "batch of at most 2", "batch of at most 2"]);
    expect(await keysIn(store, ["GONE#0", "GONE#4"])).toEqual([]);
  });

  it("sweeps again every interval with the clock's time, until stopped", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let now = NOW;
    const store = await storeWith([expiring("SOON", nowSeconds + 30), expiring("LATER", nowSeconds + 90)]);
    sweeper = startTtlSweeper({ store, clock: { now: () => new Date(now) }, logger: silent, intervalMs: 60_000 });
    expect(await sweeper.sweep()).toBe(0);
    now += 60_000;
    vi.advanceTimersByTime(60_000);
    expect(await keysIn(store, ["SOON", "LATER"])).toEqual(["LATER"]);
    await sweeper.stop();
    now += 60_000;
    vi.advanceTimersByTime(60_000);
    expect(await keysIn(store, ["SOON", "LATER"])).toEqual(["LATER"]);
  });

  it("logs a failed sweep and keeps running", async () => {
    const errors: unknown[] = [];
    const logger = { ...silent, error: (_message: string, fields?: Record<string, unknown>) => errors.push(fields) };
    const failing = {
      deleteExpired: () => {
        throw new Error("database is locked");
      },
    };
    sweeper = startTtlSweeper({ store: failing, clock, logger, intervalMs: 60_000 });
    expect(await sweeper.sweep()).toBe(0);
    expect(errors).toEqual([{ error: new Error("database is locked") }]);
  });
});
