import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import { ALL_ORDERS_PARTITION } from "./order-items.js";

const WINDOW_MINUTES = 30;
const MAX_SCANNED = 20_000;

/** Orders and failures per minute over the last half hour, for the admin's live figures. */
export function makeOrderStats({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async () => {
    const now = clock.now().getTime();
    const since = new Date(now - WINDOW_MINUTES * 60_000).toISOString();
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, i) => ({
      minute: new Date(Math.floor(now / 60_000) * 60_000 - (WINDOW_MINUTES - 1 - i) * 60_000).toISOString(),
      orders: 0,
      failed: 0,
    }));
    let scanned = 0;
    let cursor: string | undefined;
    do {
      const page = await store.query({
        partition: ALL_ORDERS_PARTITION,
        index: "gsi2",
        descending: true,
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      for (const order of page.items) {
        const createdAt = String(order.createdAt);
        if (createdAt < since) return summarise(minutes);
        const bucket = minutes.findLast((m) => m.minute <= createdAt);
        if (bucket) {
          bucket.orders++;
          if (order.status === "failed") bucket.failed++;
        }
      }
      scanned += page.items.length;
      cursor = page.cursor;
    } while (cursor && scanned < MAX_SCANNED);
    return summarise(minutes);
  };
}

function summarise(perMinute: Array<{ minute: string; orders: number; failed: number }>) {
  const last = perMinute.at(-1);
  return {
    perMinute,
    ordersLastMinute: last?.orders ?? 0,
    ordersLast30Minutes: perMinute.reduce((sum, m) => sum + m.orders, 0),
    failedLast30Minutes: perMinute.reduce((sum, m) => sum + m.failed, 0),
  };
}
