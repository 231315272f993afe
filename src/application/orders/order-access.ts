import type { Order } from "../../domain/orders/order.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";

/** Staff who handle every order: they see all of them. */
export const STAFF_ROLES = ["admin", "maker", "courier"];

/**
 * May this actor see this order? Staff see all; a customer sees their own; a guest needs the
 * order's tracking token. Everyone else gets "not found", so order ids cannot be probed.
 */
export function canSeeOrder(actor: Actor, order: Order): boolean {
  if (hasRole(actor, ...STAFF_ROLES)) return true;
  if (actor.userId && order.customer.userId === actor.userId) return true;
  return actor.trackingToken !== undefined && actor.trackingToken === order.trackingToken;
}
