import { OrderEvent } from "../../domain/orders/order-events.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { expiresAfter, type ItemStore, when } from "../../ports/item-store.js";
import { commitOnce } from "../shared/commit-once.js";

/** Partition of the per-minute order counters (sort key: the minute, `YYYY-MM-DDTHH:MM`). */
export const ORDER_ACTIVITY_PARTITION = "ORDER_ACTIVITY";
/** Counters expire after a day; the figures show the last half hour. */
const KEEP_SECONDS = 24 * 3600;

const COUNTED: Record<string, "orders" | "confirmed" | "failed"> = {
  [OrderEvent.received]: "orders",
  [OrderEvent.placed]: "confirmed",
  [OrderEvent.failed]: "failed",
};

/** The order events the activity projection counts. */
export const ORDER_ACTIVITY_EVENTS = Object.keys(COUNTED);

/**
 * Consumer of the order event stream (Kinesis on AWS): counts orders received, confirmed and failed
 * per minute, so the admin figures read 30 small items instead of scanning the orders. A marker item
 * per event makes a redelivered record count once.
 */
export function makeRecordOrderActivity({ store }: { store: ItemStore }) {
  return async (event: StoredEvent): Promise<void> => {
    const counter = COUNTED[event.type];
    if (!counter) return;
    const expiresAt = expiresAfter(Date.parse(event.at), KEEP_SECONDS);
    await commitOnce(
      store,
      [
        {
          op: "put",
          item: { pk: `COUNTED#${event.id}`, sk: "ORDER_ACTIVITY", expiresAt },
          condition: when.notExists(),
        },
        {
          op: "update",
          key: { pk: ORDER_ACTIVITY_PARTITION, sk: event.at.slice(0, 16) },
          update: { add: { [counter]: 1 }, set: { expiresAt } },
        },
      ],
      [],
    );
  };
}
