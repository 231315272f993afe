import type { Product } from "../../domain/catalog/product.js";
import type { ItemStore } from "../../ports/item-store.js";
import { PRODUCTS_PARTITION, productFromItem } from "./product-items.js";

export function makeListProducts({ store }: { store: ItemStore }) {
  return async (page: { limit?: number; cursor?: string } = {}): Promise<{ items: Product[]; cursor?: string }> => {
    const result = await store.query({
      partition: PRODUCTS_PARTITION,
      index: "gsi1",
      limit: page.limit ?? 50,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
    return { items: result.items.map(productFromItem), ...(result.cursor ? { cursor: result.cursor } : {}) };
  };
}
