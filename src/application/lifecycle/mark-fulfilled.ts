import type { Order } from "../../domain/orders/order.js";
import { OrderEvent } from "../../domain/orders/order-events.js";
import type { Actor } from "../../domain/shared/actor.js";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import { loadOrder } from "../orders/order-items.js";
import type { CommitWith } from "../shared/commit-with.js";
import { assertMay, mayFulfil } from "./lifecycle-access.js";
import { type TransitionDeps, transitionOrder } from "./transition-order.js";

/** The maker has baked it: `confirmed` → `fulfilled`, event `order_fulfilled`. */
export function makeMarkFulfilled(deps: TransitionDeps) {
  return async (orderId: string, actor: Actor, options: CommitWith<Order> = {}): Promise<Order> => {
    if (!actor.userId) throw new UnauthenticatedError("Sign in as the maker to mark orders fulfilled");
    const order = await loadOrder(deps.store, orderId);
    assertMay(actor, order, mayFulfil(actor));
    return transitionOrder(
      deps,
      order,
      "fulfil",
      { type: OrderEvent.fulfilled, data: { by: actor.email ?? actor.userId ?? "maker" } },
      options,
    );
  };
}
