import { OrderEvent } from "../../../domain/orders/order-events.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { orderKey } from "../order-items.js";
import { beginCompensation } from "./begin-compensation.js";
import { orderChargeKey, type PipelineDeps, type StepInput } from "./pipeline-deps.js";

/**
 * Compensation: refunds the order's charge if there is one and it is not refunded yet. Only a pending
 * order is undone, marked first so that nothing confirms it meanwhile (begin-compensation.ts); a
 * confirmed one keeps its charge. A failed order's charge is refunded too: a run that raced the failure
 * may have charged the card after the others looked.
 * The gateway is asked for the order's charge when the order has none recorded: its answer may have
 * been lost (every attempt timed out) or recording it may have failed, after the card was charged.
 */
export function makeRefundPayment(deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "payments">) {
  const { store, payments, clock } = deps;
  return async (input: StepInput) => {
    const order = await beginCompensation(deps, input); // a confirmed order is refused here
    if (order.refundId) return input;
    const chargeId = order.chargeId ?? (await payments.findCharge(orderChargeKey(order.id)))?.chargeId;
    if (!chargeId) return input;
    const refund = await payments.refund(chargeId, `refund-${order.id}`);
    await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(order.id),
          update: { set: { chargeId, refundId: refund.refundId, updatedAt: clock.now().toISOString() } },
          // One charge per order key, so a chargeId written meanwhile is this one.
          condition: when.lacks("refundId"),
        },
      ],
      [orderEvent(deps, order.id, OrderEvent.paymentRefunded, { refundId: refund.refundId, amount: order.total })],
    );
    return input;
  };
}
