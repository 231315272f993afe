import { OrderEvent } from "../../../domain/orders/order-events.js";
import { nextStatus } from "../../../domain/orders/order-state.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { loadOrder, orderKey } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/**
 * Compensation: refunds the order's charge if there is one and it is not refunded yet. Only a pending
 * order is undone: a confirmed one keeps its charge (the workflow re-checks before it gets here).
 */
export function makeRefundPayment(deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "payments">) {
  const { store, payments, clock } = deps;
  return async (input: StepInput) => {
    const order = await loadOrder(store, input.orderId);
    if (!order.chargeId || order.refundId) return input;
    nextStatus("fail", order.status); // compensation ends the order failed: a confirmed one is refused
    const refund = await payments.refund(order.chargeId, `refund-${order.id}`);
    await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(order.id),
          update: { set: { refundId: refund.refundId, updatedAt: clock.now().toISOString() } },
          condition: when.and(when.eq("chargeId", order.chargeId), when.lacks("refundId")),
        },
      ],
      [orderEvent(deps, order.id, OrderEvent.paymentRefunded, { refundId: refund.refundId, amount: order.total })],
    );
    return input;
  };
}
