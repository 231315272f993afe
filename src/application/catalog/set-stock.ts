import type { Product } from "../../domain/catalog/product.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import { changeProduct } from "./product-items.js";

/** Sets the units on hand (a stock count after a bake). Reservations already taken stay taken. */
export function makeSetStock({ store, clock }: { store: ItemStore; clock: Clock }) {
  return (id: string, stock: number): Promise<Product> =>
    changeProduct(store, id, { stock, updatedAt: clock.now().toISOString() });
}
