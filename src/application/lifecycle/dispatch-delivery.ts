import { OrderEvent } from "../../domain/orders/order-events.js";
import { canApply } from "../../domain/orders/order-state.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { OutboundChannel } from "../../ports/outbound-channel.js";
import { loadOrder } from "../orders/order-items.js";
import { type TransitionDeps, transitionOrder } from "./transition-order.js";

/**
 * Consumer of the delivery queue: hands the request to the delivery company's channel, then marks
 * the order `out_for_delivery`. The channel gets the queue message's id, so a receiver de-duplicates
 * a redelivery; the state change happens once.
 */
export function makeDispatchDelivery(deps: TransitionDeps & { delivery: OutboundChannel }) {
  return async (request: StoredEvent): Promise<void> => {
    const order = await loadOrder(deps.store, request.key);
    if (!canApply("dispatch", order.status)) return; // already out, or delivered before the courier was told
    await deps.delivery.send({
      id: request.id,
      type: "delivery_requested",
      subject: `Delivery request for order ${order.id}`,
      payload: request.data,
    });
    const fresh = await loadOrder(deps.store, request.key);
    if (!canApply("dispatch", fresh.status)) return;
    await transitionOrder(deps, fresh, "dispatch", {
      type: OrderEvent.outForDelivery,
      data: { requestId: request.id },
    });
  };
}
