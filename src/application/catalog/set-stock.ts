import type { Product } from "../../domain/catalog/product.js";
import type { Clock } from "../../ports/clock.js";
import { ConditionFailedError, type ItemStore, when } from "../../ports/item-store.js";
import { productNotFound } from "./get-product.js";
import { productFromItem, productKey } from "./product-items.js";

/** Sets the units on hand (a stock count after a bake). Reservations already taken stay taken. */
export function makeSetStock({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async (id: string, stock: number): Promise<Product> => {
    try {
      const item = await store.update(
        productKey(id),
        { set: { stock, updatedAt: clock.now().toISOString() } },
        when.exists(),
      );
      return productFromItem(item);
    } catch (error) {
      if (error instanceof ConditionFailedError) throw productNotFound(id);
      throw error;
    }
  };
}
