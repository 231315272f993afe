import { OrderEvent } from "../../../domain/orders/order-events.js";
import { when } from "../../../ports/item-store.js";
import { commitOnce } from "../../shared/commit-once.js";
import { orderEvent } from "../new-event.js";
import { confirmationEmail } from "../order-emails.js";
import { loadOrder, orderKey } from "../order-items.js";
import { receiptDataOf } from "../receipt-data.js";
import { type PipelineDeps, receiptObjectKey, type StepInput } from "./pipeline-deps.js";

/**
 * Renders the PDF receipt, stores it, e-mails it to the customer and records `receipt_issued`.
 * Each part is idempotent (same object key, same mail id, conditional event), so a re-run adds nothing.
 */
export function makeIssueReceipt(
  deps: Pick<PipelineDeps, "store" | "ids" | "clock" | "objects" | "mailer" | "receipts" | "shop">,
) {
  const { store, objects, mailer, receipts, shop } = deps;
  return async ({ orderId }: StepInput) => {
    const order = await loadOrder(store, orderId);
    if (order.receiptKey) return { orderId };
    const data = receiptDataOf(order, shop);
    const pdf = await receipts.render(data);
    const key = receiptObjectKey(order.id);
    await objects.put(key, pdf, "application/pdf");
    const sent = await mailer.send(
      confirmationEmail(order, shop.shopName, data.trackingUrl, {
        filename: `receipt-${order.id}.pdf`,
        contentType: "application/pdf",
        content: pdf,
      }),
    );
    await commitOnce(
      store,
      [
        {
          op: "update",
          key: orderKey(order.id),
          update: { set: { receiptKey: key } },
          condition: when.lacks("receiptKey"),
        },
      ],
      [orderEvent(deps, order.id, OrderEvent.receiptIssued, { receiptKey: key, messageId: sent.messageId })],
    );
    return { orderId };
  };
}
