import type { Order } from "../../domain/orders/order.js";
import { OrderEvent } from "../../domain/orders/order-events.js";
import type { Actor } from "../../domain/shared/actor.js";
import { loadOrder } from "../orders/order-items.js";
import type { CommitWith } from "../shared/commit-with.js";
import { assertMay, mayDeliver, mayReview } from "./lifecycle-access.js";
import { type TransitionDeps, transitionOrder } from "./transition-order.js";

/**
 * The cake arrived: `fulfilled`/`out_for_delivery` → `delivered`, by its customer, a courier or an admin.
 * `withFeedback`: the caller leaves feedback next, which only the customer may; checked before anything
 * is written, so a refused review does not leave the order delivered behind a 403.
 */
export function makeMarkDelivered(deps: TransitionDeps) {
  return async (
    orderId: string,
    actor: Actor,
    options: CommitWith<Order> & { withFeedback?: boolean } = {},
  ): Promise<Order> => {
    const order = await loadOrder(deps.store, orderId);
    assertMay(actor, order, mayDeliver(actor, order) && (!options.withFeedback || mayReview(actor, order)));
    const by = actor.roles.includes("courier") ? "courier" : actor.roles.includes("admin") ? "admin" : "customer";
    const { withFeedback: _, ...commit } = options;
    return transitionOrder(deps, order, "deliver", { type: OrderEvent.delivered, data: { by } }, commit);
  };
}
