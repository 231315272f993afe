import type { SqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { ORDER_ACTIVITY_PARTITION } from "../../src/application/orders/order-activity.js";

const COUNTERS = { order_received: "orders", order_placed: "confirmed", order_failed: "failed" } as const;

/**
 * The order activity projection's per-minute counters against the order events in the outbox: under kills
 * a batch of the stream is handed again, and each event must still count exactly once.
 */
export function checkOrderActivity(db: SqliteDatabase) {
  const counted = new Map<string, number>();
  const rows = db
    .prepare<[string], { sk: string; data: string }>("SELECT sk, data FROM items WHERE pk = ?")
    .all(ORDER_ACTIVITY_PARTITION);
  for (const { sk, data } of rows) {
    const counters = JSON.parse(data) as Record<string, unknown>;
    for (const counter of Object.values(COUNTERS)) counted.set(`${sk} ${counter}`, Number(counters[counter] ?? 0));
  }
  const events = db
    .prepare<[], { minute: string; type: keyof typeof COUNTERS; n: number }>(
      `SELECT substr(at, 1, 16) AS minute, type, COUNT(*) AS n FROM outbox
       WHERE type IN ('order_received', 'order_placed', 'order_failed') GROUP BY minute, type`,
    )
    .all();
  const expected = new Map(events.map((e) => [`${e.minute} ${COUNTERS[e.type]}`, e.n]));
  const activityMismatches = [...new Set([...counted.keys(), ...expected.keys()])]
    .filter((key) => (counted.get(key) ?? 0) !== (expected.get(key) ?? 0))
    .map((key) => `${key}: counted ${counted.get(key) ?? 0}, events ${expected.get(key) ?? 0}`);
  const activityCounted = [...counted.values()].reduce((sum, n) => sum + n, 0);
  return { activityCounted, activityMismatches };
}
