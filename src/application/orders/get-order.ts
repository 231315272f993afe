import type { Order } from "../../domain/orders/order.js";
import type { Actor } from "../../domain/shared/actor.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import type { ItemStore } from "../../ports/item-store.js";
import { canSeeOrder, timelineFor } from "./order-access.js";
import { loadOrder, orderNotFound } from "./order-items.js";

export interface OrderView {
  order: Order;
  timeline: StoredEvent[];
}

/** An order with its timeline (every event with its time, as the actor may see it), if the actor may see it. */
export function makeGetOrder({ store, events }: { store: ItemStore; events: EventLog }) {
  return async (id: string, actor: Actor): Promise<OrderView> => {
    const order = await loadOrder(store, id);
    if (!canSeeOrder(actor, order)) throw orderNotFound(id);
    return { order, timeline: (await events.listByKey(id)).map(timelineFor(actor)) };
  };
}
