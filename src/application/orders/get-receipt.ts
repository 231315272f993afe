import type { Actor } from "../../domain/shared/actor.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { ReceiptRenderer } from "../../ports/receipt-renderer.js";
import { canSeeOrder } from "./order-access.js";
import { loadOrder, orderNotFound } from "./order-items.js";
import type { ShopSettings } from "./pipeline/pipeline-deps.js";
import { receiptDataOf } from "./receipt-data.js";

const RECEIPTED = new Set(["confirmed", "fulfilled", "out_for_delivery", "delivered", "reviewed"]);

/**
 * The order's PDF receipt as a stream: the stored one once issued; for a confirmed order whose receipt
 * is still on its way, the same document rendered and streamed as it is produced.
 */
export function makeGetReceipt(deps: {
  store: ItemStore;
  objects: ObjectStore;
  receipts: ReceiptRenderer;
  shop: ShopSettings;
}) {
  return async (id: string, actor: Actor): Promise<{ body: ReadableStream<Uint8Array>; contentType: string }> => {
    const order = await loadOrder(deps.store, id);
    if (!canSeeOrder(actor, order)) throw orderNotFound(id);
    const stored = order.receiptKey ? await deps.objects.stream(order.receiptKey) : undefined;
    if (stored) return stored;
    if (!RECEIPTED.has(order.status)) {
      throw new NotFoundError("RECEIPT_NOT_READY", "The receipt is issued once the order is confirmed");
    }
    return { body: deps.receipts.stream(receiptDataOf(order, deps.shop)), contentType: "application/pdf" };
  };
}
