import type { Order } from "../../../domain/orders/order.js";
import { loadOrder } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/** Where an order stands, as the workflow's choices name it. */
function stageOf(order: Order): "pending" | "compensating" | "failed" | "confirmed" {
  if (order.status === "pending") return order.compensation ? "compensating" : "pending";
  return order.status === "failed" ? "failed" : "confirmed";
}

/**
 * First step: where does this order stand? A re-run after a crash or redelivery jumps straight to the
 * steps still owed (a confirmed order only needs its receipt and maker e-mail; one being undone the rest
 * of its undoing; a failed one its notice).
 */
export function makeCheckOrder({ store }: Pick<PipelineDeps, "store">) {
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    return { orderId, stage: stageOf(order) };
  };
}
