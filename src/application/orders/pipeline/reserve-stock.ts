import { OrderRejectedError } from "../../../domain/orders/order-errors.js";
import { OrderEvent } from "../../../domain/orders/order-events.js";
import { ConditionFailedError, type TransactOp, when } from "../../../ports/item-store.js";
import { loadProduct, productKey } from "../../catalog/product-items.js";
import { orderEvent } from "../new-event.js";
import { legacyReservationKey, loadOrder, orderKey } from "../order-items.js";
import { beingUndone, stillGoingAhead } from "./begin-compensation.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";
import { outOfStockMessage } from "./validate-order.js";

/**
 * Takes the order's units off stock with one conditional transaction (stock >= quantity on every line,
 * and the order still pending, not being undone and not reserved yet, marked `stockReservedAt` in the same
 * write), so concurrent orders for the last items can never oversell. Idempotent.
 */
export function makeReserveStock(deps: Pick<PipelineDeps, "store" | "ids" | "clock">) {
  const { store, clock } = deps;
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.compensation) throw beingUndone();
    if (order.stockReservedAt || (await store.get(legacyReservationKey(orderId)))) return { orderId };
    const lineOps: TransactOp[] = order.lines.map((line) => ({
      op: "update",
      key: productKey(line.productId),
      update: { add: { stock: -line.quantity } },
      condition: when.gte("stock", line.quantity),
    }));
    try {
      await store.transact(
        [
          ...lineOps,
          {
            op: "update",
            key: orderKey(orderId),
            update: { set: { stockReservedAt: clock.now().toISOString() } },
            condition: when.and(stillGoingAhead(), when.lacks("stockReservedAt")),
          },
        ],
        [orderEvent(deps, orderId, OrderEvent.stockReserved, {})],
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      if (error.failedIndexes.includes(lineOps.length)) {
        const now = await loadOrder(store, orderId);
        if (now.compensation) throw beingUndone();
        if (now.stockReservedAt) return { orderId }; // reserved by an earlier or concurrent run
      }
      const failedLine = order.lines[error.failedIndexes.find((index) => index < lineOps.length) ?? -1];
      if (failedLine) {
        const product = await loadProduct(store, failedLine.productId);
        throw new OrderRejectedError(
          "OUT_OF_STOCK",
          outOfStockMessage(failedLine.name, Math.max(0, product?.stock ?? 0)),
        );
      }
      throw new OrderRejectedError("ORDER_NOT_PENDING", "The order is no longer waiting for stock");
    }
    return { orderId };
  };
}
