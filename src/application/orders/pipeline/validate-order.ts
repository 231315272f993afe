import { OrderRejectedError } from "../../../domain/orders/order-errors.js";
import { loadProduct } from "../../catalog/product-items.js";
import { legacyReservationKey, loadOrder } from "../order-items.js";
import type { PipelineDeps, StepInput } from "./pipeline-deps.js";

/** Checks the products still exist and, unless stock is already reserved, that enough is on hand. */
export function makeValidateOrder({ store }: Pick<PipelineDeps, "store">) {
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.status !== "pending") {
      throw new OrderRejectedError("ORDER_NOT_PENDING", `The order is already ${order.status}`);
    }
    const reserved = order.stockReservedAt !== undefined || (await store.get(legacyReservationKey(orderId)));
    for (const line of order.lines) {
      const product = await loadProduct(store, line.productId);
      if (!product) {
        throw new OrderRejectedError("PRODUCT_UNAVAILABLE", `${line.name} is no longer sold`);
      }
      if (!reserved && product.stock < line.quantity) {
        throw new OrderRejectedError("OUT_OF_STOCK", outOfStockMessage(line.name, product.stock));
      }
    }
    return { orderId };
  };
}

export function outOfStockMessage(name: string, left: number): string {
  return left === 0 ? `${name} is sold out` : `Only ${left} × ${name} left`;
}
