import type { Actor } from "../../domain/shared/actor.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";
import { canSeeOrder } from "./order-access.js";
import { loadOrder, orderNotFound } from "./order-items.js";

/** The order's PDF receipt, once the pipeline has issued it. */
export function makeGetReceipt({ store, objects }: { store: ItemStore; objects: ObjectStore }) {
  return async (id: string, actor: Actor): Promise<StoredObject> => {
    const order = await loadOrder(store, id);
    if (!canSeeOrder(actor, order)) throw orderNotFound(id);
    const receipt = order.receiptKey ? await objects.get(order.receiptKey) : undefined;
    if (!receipt) throw new NotFoundError("RECEIPT_NOT_READY", "The receipt is issued once the order is confirmed");
    return receipt;
  };
}
