import type { StoredEvent } from "../../domain/shared/event.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { OutboundChannel } from "../../ports/outbound-channel.js";
import { loadOrder } from "../orders/order-items.js";

/** Consumer of the feedback queue (`order_reviewed`): hands the feedback to customer service. */
export function makeForwardFeedback(deps: { store: ItemStore; customerService: OutboundChannel }) {
  return async (event: StoredEvent): Promise<void> => {
    const order = await loadOrder(deps.store, event.key);
    await deps.customerService.send({
      id: event.id,
      type: "feedback_received",
      subject: `Feedback on order ${order.id}: ${String(event.data.rating)}/5`,
      payload: {
        orderId: order.id,
        customer: { name: order.customer.name, email: order.customer.email },
        rating: event.data.rating,
        ...(event.data.comment ? { comment: event.data.comment } : {}),
        items: order.lines.map((line) => ({ name: line.name, quantity: line.quantity })),
      },
    });
  };
}
