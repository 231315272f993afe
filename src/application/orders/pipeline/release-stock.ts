import { OrderEvent } from "../../../domain/orders/order-events.js";
import { ConditionFailedError, when } from "../../../ports/item-store.js";
import { productKey } from "../../catalog/product-items.js";
import { orderEvent } from "../new-event.js";
import { reservationKey } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/** Compensation: puts reserved units back on stock and removes the reservation, once. */
export function makeReleaseStock(deps: Pick<PipelineDeps, "store" | "ids" | "clock">) {
  const { store } = deps;
  return async (input: StepInput) => {
    const reservation = await store.get(reservationKey(input.orderId));
    if (!reservation) return input;
    const lines = reservation.lines as Array<{ productId: string; quantity: number }>;
    try {
      await store.transact(
        [
          { op: "delete", key: reservationKey(input.orderId), condition: when.exists() },
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
      // Already released by an earlier run; a deleted product has no stock to give back.
      // Already released by an earlier or concurrent run.
      if (error instanceof ConditionFailedError && error.failedIndexes.includes(0)) return input;
      throw error;
    }
    return input;
  };
}
