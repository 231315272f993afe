import type { Product, UpdateProductBody } from "../../domain/catalog/product.js";
import type { Clock } from "../../ports/clock.js";
import { ConditionFailedError, type ItemStore, when } from "../../ports/item-store.js";
import { productNotFound } from "./get-product.js";
import { productFromItem, productKey } from "./product-items.js";

/** Changes a product's details. Stock is set separately (set-stock) so edits never race with orders. */
export function makeUpdateProduct({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async (id: string, changes: UpdateProductBody): Promise<Product> => {
    try {
      const item = await store.update(
        productKey(id),
        { set: { ...changes, updatedAt: clock.now().toISOString() } },
        when.exists(),
      );
      return productFromItem(item);
    } catch (error) {
      if (error instanceof ConditionFailedError) throw productNotFound(id);
      throw error;
    }
  };
}
