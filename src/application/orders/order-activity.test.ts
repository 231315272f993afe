import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { makeRecordOrderActivity } from "./order-activity.js";
import { makeOrderStats } from "./order-stats.js";

const now = new Date("2026-11-22T10:15:30.000Z");
const clock = { now: () => now };

function event(seq: number, type: string, at: string): StoredEvent {
  return { seq, id: `evt_${seq}`, type, key: `ord_${seq}`, at, data: {} };
}

describe("order activity projection", () => {
  it("counts received, confirmed and failed orders per minute, each event once", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    const record = makeRecordOrderActivity({ store });
    const events = [
      event(1, "order_received", "2026-11-22T10:15:01.000Z"),
      event(2, "order_received", "2026-11-22T10:15:09.000Z"),
      event(3, "order_placed", "2026-11-22T10:15:12.000Z"),
      event(4, "order_failed", "2026-11-22T10:14:59.000Z"),
      event(5, "receipt_issued", "2026-11-22T10:15:20.000Z"),
      event(6, "order_received", "2026-11-22T09:30:00.000Z"),
    ];
    for (const e of events) await record(e);
    // At-least-once delivery: the stream redelivers a whole batch.
    await Promise.all(events.map((e) => record(e)));

    const stats = await makeOrderStats({ store, clock })();
    expect(stats.perMinute).toHaveLength(30);
    expect(stats.perMinute.at(-1)).toEqual({ minute: "2026-11-22T10:15:00.000Z", orders: 2, confirmed: 1, failed: 0 });
    expect(stats.perMinute.at(-2)).toEqual({ minute: "2026-11-22T10:14:00.000Z", orders: 0, confirmed: 0, failed: 1 });
    expect(stats.ordersLastMinute).toBe(2);
    // 09:30 is outside the half-hour window.
    expect(stats.ordersLast30Minutes).toBe(2);
    expect(stats.failedLast30Minutes).toBe(1);
  });
});
