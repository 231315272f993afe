import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import { ORDER_ACTIVITY_PARTITION } from "./order-activity.js";

const WINDOW_MINUTES = 30;

/** Orders, confirmations and failures per minute over the last half hour, for the admin's live figures. */
export function makeOrderStats({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async () => {
    const now = clock.now().getTime();
    const firstMinute = Math.floor(now / 60_000) * 60_000 - (WINDOW_MINUTES - 1) * 60_000;
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, i) => ({
      minute: new Date(firstMinute + i * 60_000).toISOString(),
      orders: 0,
      confirmed: 0,
      failed: 0,
    }));
    const page = await store.query({ partition: ORDER_ACTIVITY_PARTITION, descending: true, limit: WINDOW_MINUTES });
    for (const counters of page.items) {
      const bucket = minutes.find((m) => m.minute.slice(0, 16) === counters.sk);
      if (!bucket) continue;
      bucket.orders = Number(counters.orders ?? 0);
      bucket.confirmed = Number(counters.confirmed ?? 0);
      bucket.failed = Number(counters.failed ?? 0);
    }
    return {
      perMinute: minutes,
      ordersLastMinute: minutes.at(-1)?.orders ?? 0,
      ordersLast30Minutes: minutes.reduce((sum, m) => sum + m.orders, 0),
      failedLast30Minutes: minutes.reduce((sum, m) => sum + m.failed, 0),
    };
  };
}
