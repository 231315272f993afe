import { loadOrder } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/**
 * First step: where does this order stand? A re-run after a crash or redelivery jumps straight to the
 * steps still owed (a confirmed order only needs its receipt and maker e-mail; a failed one its notice).
 */
export function makeCheckOrder({ store }: Pick<PipelineDeps, "store">) {
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    const stage = order.status === "pending" ? "pending" : order.status === "failed" ? "failed" : "confirmed";
    return { orderId, stage };
  };
}
