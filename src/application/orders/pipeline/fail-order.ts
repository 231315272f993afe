import { customerReason, failureCode } from "../../../domain/orders/order-errors.js";
import { OrderEvent } from "../../../domain/orders/order-events.js";
import { nextStatus } from "../../../domain/orders/order-state.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { loadOrder, orderKey, paymentSourceKey } from "../order-items.js";
import { compensationError } from "./begin-compensation.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/**
 * Ends a pending order `failed` with a reason the customer can read and a failure code clients can act
 * on (after compensation ran).
 */
export function makeFailOrder(deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "logger">) {
  const { store, clock, logger } = deps;
  return async (input: StepInput) => {
    const order = await loadOrder(store, input.orderId);
    if (order.status !== "pending") return { orderId: order.id };
    // The error the undoing began with, whichever run gets here first.
    const error = compensationError(order, input);
    const reason = customerReason(error?.Error, error?.Cause, Boolean(order.refundId));
    const code = failureCode(error?.Error);
    logger.warn("order failed", { orderId: order.id, error: error?.Error, cause: error?.Cause });
    await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(order.id),
          update: {
            set: {
              status: nextStatus("fail", order.status),
              failureReason: reason,
              failureCode: code,
              updatedAt: clock.now().toISOString(),
            },
          },
          condition: when.eq("status", "pending"),
        },
      ],
      [
        orderEvent(deps, order.id, OrderEvent.failed, {
          reason,
          failureCode: code,
          error: error?.Error ?? "Unknown",
        }),
      ],
    );
    // As after a charge: deleted once the outcome is recorded, outside its transaction.
    await store.delete(paymentSourceKey(order.id));
    return { orderId: order.id };
  };
}
