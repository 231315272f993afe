import { OrderRejectedError } from "../../../domain/orders/order-errors.js";
import { OrderEvent } from "../../../domain/orders/order-events.js";
import { ConditionFailedError } from "../../../ports/item-store.js";
import { orderEvent } from "../new-event.js";
import { loadOrder, orderKey, paymentSourceKey } from "../order-items.js";
import { beingUndone, stillGoingAhead } from "./begin-compensation.js";
import { orderChargeKey, type PipelineDeps, type StepInput } from "./pipeline-deps.js";
import { makeRefundPayment } from "./refund-payment.js";

/**
 * Charges the order total once: the gateway call is keyed by the order id, so a step retried after a
 * timeout or a crash gets the first charge back instead of charging again.
 */
export function makeChargePayment(deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "payments">) {
  const { store, payments, clock } = deps;
  const refundPayment = makeRefundPayment(deps);
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    // Once undoing began, never charge (or report a charge as this run's success): the refund is owed.
    if (order.compensation) throw beingUndone();
    if (order.chargeId) return { orderId, chargeId: order.chargeId };
    const source = await store.get(paymentSourceKey(orderId));
    if (!source) throw new OrderRejectedError("ORDER_NOT_PENDING", "The order has no payment details any more");
    const charge = await payments.charge({
      idempotencyKey: orderChargeKey(orderId),
      amount: order.total,
      source: String(source.source),
      description: `Order ${orderId}`,
    });
    try {
      await store.transact(
        [
          {
            op: "update",
            key: orderKey(orderId),
            update: { set: { chargeId: charge.chargeId, updatedAt: clock.now().toISOString() } },
            // Undoing that began while the card was charged refunds this charge (found by its key).
            condition: stillGoingAhead(),
          },
        ],
        [orderEvent(deps, orderId, OrderEvent.paymentCharged, { chargeId: charge.chargeId, amount: charge.amount })],
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Undone or failed while the card was being charged (e.g. after this step timed out and went on):
      // the undoing may have looked for the charge before it was made, so it is refunded here.
      const now = await loadOrder(store, orderId);
      if (now.compensation || now.status === "failed") await refundPayment({ orderId });
      throw new OrderRejectedError("ORDER_NOT_PENDING", "The order stopped waiting for payment");
    }
    // The card is not needed any more. Deleted after the charge is recorded, not with it: no atomicity
    // is needed, and a crash in between leaves it to expire (see place-order.ts).
    await store.delete(paymentSourceKey(orderId));
    return { orderId, chargeId: charge.chargeId };
  };
}
