import type { CreateProductBody, Product } from "../../domain/catalog/product.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { type ItemStore, when } from "../../ports/item-store.js";
import type { CommitWith } from "../shared/commit-with.js";
import { productToItem } from "./product-items.js";

const COUNTER = { pk: "COUNTER#product-number", sk: "COUNTER" };

export function makeCreateProduct({ store, ids, clock }: { store: ItemStore; ids: IdGenerator; clock: Clock }) {
  return async (input: CreateProductBody, options: { id?: string } & CommitWith<Product> = {}): Promise<Product> => {
    // Numbers are never reused, but may be skipped: by a crash between these two writes, and by a retry or
    // a racing duplicate of a request with an Idempotency-Key, whose transaction is refused on the key.
    const counter = await store.update(COUNTER, { add: { value: 1 } });
    const now = clock.now().toISOString();
    const product: Product = {
      id: options.id ?? `prd_${ids.next()}`,
      number: counter.value as number,
      name: input.name,
      description: input.description,
      price: input.price,
      stock: input.stock,
      ...(input.imageUrl ? { imageUrl: input.imageUrl } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await store.transact(
      [
        { op: "put", item: productToItem(product), condition: when.notExists() },
        ...(options.alsoWrite?.(product) ?? []),
      ],
      [],
    );
    return product;
  };
}
