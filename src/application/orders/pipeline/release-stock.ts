import { OrderEvent } from "../../../domain/orders/order-events.js";
import { ConditionFailedError, type ItemKey, type TransactOp, when } from "../../../ports/item-store.js";
import { productKey } from "../../catalog/product-items.js";
import { orderEvent } from "../new-event.js";
import { legacyReservationKey, orderKey } from "../order-items.js";
import { beginCompensation } from "./begin-compensation.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/**
 * Compensation: puts a pending order's reserved units back on stock and clears its reservation, once;
 * the order is marked first, so that nothing confirms it meanwhile (begin-compensation.ts).
 */
export function makeReleaseStock(deps: Pick<PipelineDeps, "store" | "ids" | "clock">) {
  const { store } = deps;
  return async (input: StepInput) => {
    const order = await beginCompensation(deps, input); // a confirmed order is refused here
    let reservation: TransactOp;
    let lines: Array<{ productId: string; quantity: number }>;
    if (order.stockReservedAt) {
      reservation = {
        op: "update",
        key: orderKey(order.id),
        update: { remove: ["stockReservedAt"] },
        condition: when.has("stockReservedAt"),
      };
      lines = order.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    } else {
      const key: ItemKey = legacyReservationKey(order.id);
      const legacy = await store.get(key);
      if (!legacy) return input;
      reservation = { op: "delete", key, condition: when.exists() };
      lines = legacy.lines as Array<{ productId: string; quantity: number }>;
    }
    try {
      await store.transact(
        [
          reservation,
          ...lines.map((line) => ({
            op: "update" as const,
            key: productKey(line.productId),
            update: { add: { stock: line.quantity } },
            condition: when.exists(),
          })),
        ],
        [orderEvent(deps, input.orderId, OrderEvent.stockReleased, { lines })],
      );
    } catch (error) {
      // Already released by an earlier or concurrent run.
      if (error instanceof ConditionFailedError && error.failedIndexes.includes(0)) return input;
      throw error;
    }
    return input;
  };
}
