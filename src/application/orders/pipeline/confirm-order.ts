import { OrderRejectedError } from "../../../domain/orders/order-errors.js";
import { OrderEvent } from "../../../domain/orders/order-events.js";
import { nextStatus } from "../../../domain/orders/order-state.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { loadOrder, orderKey } from "../order-items.js";
import { beingUndone, stillGoingAhead } from "./begin-compensation.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/**
 * Moves a paid order to `confirmed` (conditional on it still being pending, charged and not being undone).
 * Idempotent: a refused write is fine only if the order is confirmed after all (a concurrent run did it);
 * an order that another run began undoing or failed meanwhile is refused here, so no confirmation,
 * receipt or maker e-mail follows.
 */
export function makeConfirmOrder(deps: Pick<PipelineDeps, "store" | "ids" | "clock">) {
  const { store, clock } = deps;
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.status === "confirmed") return { orderId };
    if (order.compensation) throw beingUndone();
    const status = nextStatus("confirm", order.status);
    const committed = await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(orderId),
          update: { set: { status, updatedAt: clock.now().toISOString() } },
          condition: when.and(stillGoingAhead(), when.eq("chargeId", order.chargeId ?? null)),
        },
      ],
      [orderEvent(deps, orderId, OrderEvent.placed, { total: order.total })],
    );
    if (!committed && (await loadOrder(store, orderId)).status !== "confirmed") {
      throw new OrderRejectedError("ORDER_NOT_PENDING", "The order stopped waiting for confirmation");
    }
    return { orderId };
  };
}
