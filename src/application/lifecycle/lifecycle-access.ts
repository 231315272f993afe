import type { Order } from "../../domain/orders/order.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";
import { ForbiddenError } from "../../domain/shared/errors.js";
import { canSeeOrder, holdsTrackingToken, STAFF_ROLES } from "../orders/order-access.js";
import { orderNotFound } from "../orders/order-items.js";

/**
 * The order's own customer: the signed-in owner, or someone holding its tracking token who is not staff.
 * Staff read receipts, which carry the tracking link: a token does not make them the customer.
 */
export function isOrderCustomer(actor: Actor, order: Order): boolean {
  if (actor.userId && order.customer.userId === actor.userId) return true;
  if (hasRole(actor, ...STAFF_ROLES)) return false;
  return holdsTrackingToken(actor, order);
}

/** 404 for those who may not see the order; 403 for those who see it but may not do this. */
export function assertMay(actor: Actor, order: Order, allowed: boolean): void {
  if (!canSeeOrder(actor, order)) throw orderNotFound(order.id);
  if (!allowed) throw new ForbiddenError("You may not do this to this order");
}

export const mayFulfil = (actor: Actor) => hasRole(actor, "maker", "admin");
export const mayDeliver = (actor: Actor, order: Order) =>
  isOrderCustomer(actor, order) || hasRole(actor, "courier", "admin");
export const mayReview = (actor: Actor, order: Order) => isOrderCustomer(actor, order);
