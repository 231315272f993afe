import type { Order } from "../../domain/orders/order.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { sameSecret } from "../../domain/shared/secret.js";

/** Staff who handle every order: they see all of them. */
export const STAFF_ROLES = ["admin", "maker", "courier"];

/**
 * May this actor see this order? Staff see all; a customer sees their own; a guest needs the
 * order's tracking token. Everyone else gets "not found", so order ids cannot be probed.
 */
export function canSeeOrder(actor: Actor, order: Order): boolean {
  if (hasRole(actor, ...STAFF_ROLES)) return true;
  if (actor.userId && order.customer.userId === actor.userId) return true;
  return holdsTrackingToken(actor, order);
}

/** The actor presented the order's tracking token. */
export const holdsTrackingToken = (actor: Actor, order: Order): boolean =>
  actor.trackingToken !== undefined && sameSecret(actor.trackingToken, order.trackingToken);

/** Event data for staff only: which member of staff acted, and payment, storage and mail references. */
const STAFF_ONLY_DATA = ["by", "chargeId", "refundId", "receiptKey", "messageId"];

/** An order's events as this actor may see them: customers and guests without the staff-only data. */
export function timelineFor(actor: Actor): (event: StoredEvent) => StoredEvent {
  if (hasRole(actor, ...STAFF_ROLES)) return (event) => event;
  return (event) => ({
    ...event,
    data: Object.fromEntries(Object.entries(event.data).filter(([name]) => !STAFF_ONLY_DATA.includes(name))),
  });
}
