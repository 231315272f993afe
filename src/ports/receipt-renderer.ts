import type { DeliveryAddress, OrderLine } from "../domain/orders/order.js";
import type { Money } from "../domain/shared/money.js";

/** Everything printed on a receipt. */
export interface ReceiptData {
  shopName: string;
  orderId: string;
  /** ISO-8601 time the order was placed. */
  placedAt: string;
  customerName: string;
  customerEmail: string;
  deliveryAddress: DeliveryAddress;
  lines: OrderLine[];
  total: Money;
  paymentLast4: string;
  trackingUrl: string;
}

/** Renders a receipt document (a PDF locally and on Lambda). */
export interface ReceiptRenderer {
  render(receipt: ReceiptData): Promise<Uint8Array>;
  /** The same document, chunk by chunk as it is produced. */
  stream(receipt: ReceiptData): ReadableStream<Uint8Array>;
}
