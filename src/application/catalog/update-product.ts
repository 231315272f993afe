import type { Product, UpdateProductBody } from "../../domain/catalog/product.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import { changeProduct } from "./product-items.js";

/** Changes a product's details. Stock is set separately (set-stock) so edits never race with orders. */
export function makeUpdateProduct({ store, clock }: { store: ItemStore; clock: Clock }) {
  return (id: string, changes: UpdateProductBody): Promise<Product> =>
    changeProduct(store, id, { ...changes, updatedAt: clock.now().toISOString() });
}
