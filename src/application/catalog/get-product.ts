import type { Product } from "../../domain/catalog/product.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import type { ItemStore } from "../../ports/item-store.js";
import { findProduct } from "./product-items.js";

export function makeGetProduct({ store }: { store: ItemStore }) {
  return async (idOrNumber: string): Promise<Product> => {
    const product = await findProduct(store, idOrNumber);
    if (!product) throw new NotFoundError("PRODUCT_NOT_FOUND", `There is no product ${idOrNumber}`);
    return product;
  };
}
