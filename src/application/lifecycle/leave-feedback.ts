import type { Order } from "../../domain/orders/order.js";
import { OrderEvent } from "../../domain/orders/order-events.js";
import type { FeedbackBody } from "../../domain/orders/order-schemas.js";
import type { Actor } from "../../domain/shared/actor.js";
import { ConflictError } from "../../domain/shared/errors.js";
import { loadOrder } from "../orders/order-items.js";
import type { CommitWith } from "../shared/commit-with.js";
import { assertMay, mayReview } from "./lifecycle-access.js";
import { type TransitionDeps, transitionOrder } from "./transition-order.js";

/** The customer's rating and comment, once per delivered order: → `reviewed`, event `order_reviewed`. */
export function makeLeaveFeedback(deps: TransitionDeps) {
  return async (
    orderId: string,
    input: FeedbackBody,
    actor: Actor,
    options: CommitWith<Order> = {},
  ): Promise<Order> => {
    const order = await loadOrder(deps.store, orderId);
    assertMay(actor, order, mayReview(actor, order));
    if (order.feedback) throw new ConflictError("FEEDBACK_ALREADY_GIVEN", "Feedback was already given for this order");
    const feedback = {
      rating: input.rating,
      ...(input.comment ? { comment: input.comment } : {}),
      at: deps.clock.now().toISOString(),
    };
    return transitionOrder(
      deps,
      order,
      "review",
      { type: OrderEvent.reviewed, data: feedback },
      {
        ...options,
        set: { feedback },
      },
    );
  };
}
