import { OrderEvent } from "../../domain/orders/order-events.js";
import { type ItemStore, itemAt, when } from "../../ports/item-store.js";
import { orderEvent } from "../orders/new-event.js";
import { loadOrder } from "../orders/order-items.js";
import { commitOnce } from "../shared/commit-once.js";
import type { TransitionDeps } from "./transition-order.js";

const deliveryRequestKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: "DELIVERY_REQUEST" });

/**
 * Consumer of `order_fulfilled`: puts one delivery request on the delivery queue (a
 * `delivery_requested` event, guarded by a marker item so a redelivered event queues nothing more).
 */
export function makeRequestDelivery(deps: TransitionDeps & { store: ItemStore }) {
  return async (orderId: string): Promise<void> => {
    const order = await loadOrder(deps.store, orderId);
    const a = order.deliveryAddress;
    await commitOnce(
      deps.store,
      [
        {
          op: "put",
          item: itemAt(deliveryRequestKey(orderId), { at: deps.clock.now().toISOString() }),
          condition: when.notExists(),
        },
      ],
      [
        orderEvent(deps, orderId, OrderEvent.deliveryRequested, {
          orderId,
          recipient: order.customer.name,
          address: [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country].filter(Boolean).join(", "),
          items: order.lines.map((line) => ({ name: line.name, quantity: line.quantity })),
          ...(order.notes ? { notes: order.notes } : {}),
        }),
      ],
    );
  };
}
