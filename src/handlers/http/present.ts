import type { Order } from "../../domain/orders/order.js";
import type { StoredEvent } from "../../domain/shared/event.js";

/** The order as clients see it: no charge ids, tokens or internal bookkeeping. */
export function publicOrder(order: Order) {
  return {
    id: order.id,
    status: order.status,
    customer: order.customer,
    deliveryAddress: order.deliveryAddress,
    lines: order.lines,
    total: order.total,
    ...(order.notes ? { notes: order.notes } : {}),
    paymentLast4: order.paymentLast4,
    ...(order.failureReason ? { failureReason: order.failureReason } : {}),
    ...(order.failureCode ? { failureCode: order.failureCode } : {}),
    ...(order.feedback ? { feedback: order.feedback } : {}),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export function publicEvent(event: StoredEvent) {
  return { seq: event.seq, id: event.id, type: event.type, at: event.at, data: event.data };
}

/** The answer to placing an order; guests keep the tracking token to follow it. */
export function placedOrderBody(order: Order, publicUrl: string) {
  return {
    order: publicOrder(order),
    trackingToken: order.trackingToken,
    trackingUrl: `${publicUrl.replace(/\/$/, "")}/orders/${order.id}?token=${encodeURIComponent(order.trackingToken)}`,
  };
}
