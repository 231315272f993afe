import type { ItemStore } from "../../ports/item-store.js";
import type { makeCreateProduct } from "./create-product.js";
import { DEFAULT_CATALOG } from "./default-catalog.js";
import { PRODUCTS_PARTITION } from "./product-items.js";

/** Loads the default catalog into an empty shop; a shop that has products is left as it is. */
export function makeSeedCatalog(deps: { store: ItemStore; createProduct: ReturnType<typeof makeCreateProduct> }) {
  return async (): Promise<number> => {
    const existing = await deps.store.query({ partition: PRODUCTS_PARTITION, index: "gsi1", limit: 1 });
    if (existing.items.length > 0) return 0;
    for (const { id, ...product } of DEFAULT_CATALOG) await deps.createProduct(product, { id });
    return DEFAULT_CATALOG.length;
  };
}
