import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { StreamRecord } from "../../ports/event-stream.js";
import { ConditionFailedError, type ItemStore, type TransactOp } from "../../ports/item-store.js";
import { makeRecordOrderActivity, ORDER_ACTIVITY_PARTITION } from "./order-activity.js";
import { makeOrderStats } from "./order-stats.js";

const now = new Date("2026-11-22T10:15:30.000Z");
const clock = { now: () => now };

function record(seq: number, type: string, at: string): StreamRecord {
  const event: StoredEvent = { seq, id: `evt_${seq}`, type, key: `ord_${seq}`, at, data: {} };
  // Positions as Kinesis writes them: long decimal sequence numbers.
  return { position: `4959033827149025660855969253836157109592157598913658${String(seq).padStart(4, "0")}`, event };
}

/** A SQLite store that counts its transactions. */
function countingStore() {
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  let transactions = 0;
  const transact = store.transact.bind(store);
  store.transact = (ops: TransactOp[], events) => {
    transactions++;
    return transact(ops, events);
  };
  return { store, transactions: () => transactions };
}

const minuteCounters = async (store: ItemStore) =>
  (await store.query({ partition: ORDER_ACTIVITY_PARTITION })).items.map(({ sk, orders, confirmed, failed }) => ({
    sk,
    orders,
    confirmed,
    failed,
  }));

describe("order activity projection", () => {
  it("counts received, confirmed and failed orders per minute, a batch in one write", async () => {
    const { store, transactions } = countingStore();
    const recordActivity = makeRecordOrderActivity({ store, clock });
    await recordActivity({
      shard: "shardId-000000000000",
      records: [
        record(1, "order_received", "2026-11-22T10:15:01.000Z"),
        record(2, "order_received", "2026-11-22T10:15:09.000Z"),
        record(3, "order_placed", "2026-11-22T10:15:12.000Z"),
        record(4, "order_failed", "2026-11-22T10:14:59.000Z"),
        record(5, "receipt_issued", "2026-11-22T10:15:20.000Z"),
        record(6, "order_received", "2026-11-22T09:30:00.000Z"),
      ],
    });
    expect(transactions()).toBe(1);

    const stats = await makeOrderStats({ store, clock })();
    expect(stats.perMinute).toHaveLength(30);
    expect(stats.perMinute.at(-1)).toEqual({ minute: "2026-11-22T10:15:00.000Z", orders: 2, confirmed: 1, failed: 0 });
    expect(stats.perMinute.at(-2)).toEqual({ minute: "2026-11-22T10:14:00.000Z", orders: 0, confirmed: 0, failed: 1 });
    expect(stats.ordersLastMinute).toBe(2);
    // 09:30 is outside the half-hour window.
    expect(stats.ordersLast30Minutes).toBe(2);
    expect(stats.failedLast30Minutes).toBe(1);
  });

  it("counts each record once when the stream hands a batch again, whole or overlapping a later one", async () => {
    const { store } = countingStore();
    const recordActivity = makeRecordOrderActivity({ store, clock });
    const records = [1, 2, 3, 4].map((n) => record(n, "order_received", "2026-11-22T10:15:00.000Z"));
    const shard = "shardId-000000000000";
    await recordActivity({ shard, records: records.slice(0, 3) });
    await recordActivity({ shard, records: records.slice(0, 3) });
    // A retried batch that starts before the checkpoint and goes past it: only record 4 is new.
    await recordActivity({ shard, records: records.slice(1) });
    expect(await minuteCounters(store)).toEqual([
      { sk: "2026-11-22T10:15", orders: 4, confirmed: undefined, failed: undefined },
    ]);
  });

  it("keeps a checkpoint per shard", async () => {
    const { store } = countingStore();
    const recordActivity = makeRecordOrderActivity({ store, clock });
    const records = [record(1, "order_placed", "2026-11-22T10:15:00.000Z")];
    await recordActivity({ shard: "shardId-000000000000", records });
    // The same positions on another shard are other records.
    await recordActivity({ shard: "shardId-000000000001", records });
    expect(await minuteCounters(store)).toEqual([
      { sk: "2026-11-22T10:15", orders: undefined, confirmed: 2, failed: undefined },
    ]);
  });

  it("writes a batch spanning many minutes in parts of at most 24 minutes each, every record counted", async () => {
    const { store, transactions } = countingStore();
    const recordActivity = makeRecordOrderActivity({ store, clock });
    const records = Array.from({ length: 50 }, (_, i) =>
      record(i + 1, "order_received", new Date(Date.UTC(2026, 10, 22, 9, i)).toISOString()),
    );
    await recordActivity({ shard: "shardId-000000000000", records });
    expect(transactions()).toBe(3);
    const counters = await minuteCounters(store);
    expect(counters).toHaveLength(50);
    expect(counters.every((c) => c.orders === 1)).toBe(true);
    // Handed again, none counts twice.
    await recordActivity({ shard: "shardId-000000000000", records });
    expect(transactions()).toBe(3);
  });

  it("lets one of two runs of the same batch count it: the other finds the checkpoint moved and throws", async () => {
    const { store } = countingStore();
    const recordActivity = makeRecordOrderActivity({ store, clock });
    const batch = {
      shard: "shardId-000000000000",
      records: [record(1, "order_received", "2026-11-22T10:15:00.000Z")],
    };
    const runs = await Promise.allSettled([recordActivity(batch), recordActivity(batch)]);
    expect(runs.map((run) => run.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failed = runs.find((run) => run.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ConditionFailedError);
    // The event source hands it again: nothing more to count.
    await recordActivity(batch);
    expect((await minuteCounters(store))[0]?.orders).toBe(1);
  });
});
