import type { StoredEvent } from "../../domain/shared/event.js";
import { type ItemStore, itemAt, when } from "../../ports/item-store.js";
import type { OutboundChannel } from "../../ports/outbound-channel.js";
import { loadOrder } from "../orders/order-items.js";
import { commitOnce } from "../shared/commit-once.js";

const forwardedKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: "FEEDBACK_FORWARDED" });

/**
 * Consumer of the feedback queue (`order_reviewed`): hands the feedback to customer service once; a
 * marker records it. A crash between sending and the marker re-sends with the same message id,
 * which the receiver de-duplicates.
 */
export function makeForwardFeedback(deps: { store: ItemStore; customerService: OutboundChannel }) {
  return async (event: StoredEvent): Promise<void> => {
    if (await deps.store.get(forwardedKey(event.key))) return;
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
    await commitOnce(
      deps.store,
      [{ op: "put", item: itemAt(forwardedKey(event.key), { eventId: event.id }), condition: when.notExists() }],
      [],
    );
  };
}
