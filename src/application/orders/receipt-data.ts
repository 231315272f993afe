import type { Order } from "../../domain/orders/order.js";
import type { ReceiptData } from "../../ports/receipt-renderer.js";
import { type ShopSettings, trackingUrl } from "./pipeline/pipeline-deps.js";

/** What the receipt of an order shows. */
export function receiptDataOf(order: Order, shop: ShopSettings): ReceiptData {
  return {
    shopName: shop.shopName,
    orderId: order.id,
    placedAt: order.createdAt,
    customerName: order.customer.name,
    customerEmail: order.customer.email,
    deliveryAddress: order.deliveryAddress,
    lines: order.lines,
    total: order.total,
    paymentLast4: order.paymentLast4,
    trackingUrl: trackingUrl(shop, order.id, order.trackingToken),
  };
}
