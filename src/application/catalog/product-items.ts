import type { Product } from "../../domain/catalog/product.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import { ConditionFailedError, type Item, type ItemKey, type ItemStore, itemAt, when } from "../../ports/item-store.js";

/** Where products live in the item store: one place for the key format. */
export const productKey = (id: string): ItemKey => ({ pk: `PRODUCT#${id}`, sk: "PRODUCT" });
export const isProductKey = (key: ItemKey): boolean => key.sk === "PRODUCT";
export const PRODUCTS_PARTITION = "PRODUCTS";
export const productNumberKey = (number: number) => String(number).padStart(8, "0");

export function productToItem(product: Product): Item {
  return itemAt(
    productKey(product.id),
    { gsi1pk: PRODUCTS_PARTITION, gsi1sk: productNumberKey(product.number) },
    product,
  );
}

export function productFromItem(item: Item): Product {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, ...product } = item;
  return product as unknown as Product;
}

export async function loadProduct(store: ItemStore, id: string): Promise<Product | undefined> {
  const item = await store.get(productKey(id));
  return item ? productFromItem(item) : undefined;
}

/** Finds a product by its id, or by its catalog number (what older clients send). */
export async function findProduct(store: ItemStore, idOrNumber: string): Promise<Product | undefined> {
  if (/^\d{1,8}$/.test(idOrNumber)) {
    const page = await store.query({
      partition: PRODUCTS_PARTITION,
      index: "gsi1",
      beginsWith: productNumberKey(Number(idOrNumber)),
      limit: 1,
    });
    const item = page.items[0];
    if (item) return productFromItem(item);
  }
  return loadProduct(store, idOrNumber);
}

/**
 * Sets attributes of an existing product, named by its id or catalog number (as it is read);
 * PRODUCT_NOT_FOUND when there is none.
 */
export async function changeProduct(
  store: ItemStore,
  idOrNumber: string,
  set: Record<string, unknown>,
): Promise<Product> {
  const id = /^\d{1,8}$/.test(idOrNumber) ? ((await findProduct(store, idOrNumber))?.id ?? idOrNumber) : idOrNumber;
  try {
    return productFromItem(await store.update(productKey(id), { set }, when.exists()));
  } catch (error) {
    if (error instanceof ConditionFailedError)
      throw new NotFoundError("PRODUCT_NOT_FOUND", `There is no product ${idOrNumber}`);
    throw error;
  }
}
