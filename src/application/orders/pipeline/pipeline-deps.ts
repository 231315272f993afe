import type { WorkflowError } from "../../../domain/orders/order-errors.js";
import type { Clock, IdGenerator } from "../../../ports/clock.js";
import type { ItemStore } from "../../../ports/item-store.js";
import type { Logger } from "../../../ports/logger.js";
import type { Mailer } from "../../../ports/mailer.js";
import type { ObjectStore } from "../../../ports/object-store.js";
import type { PaymentGateway } from "../../../ports/payment-gateway.js";
import type { ReceiptRenderer } from "../../../ports/receipt-renderer.js";

export interface ShopSettings {
  shopName: string;
  makerEmail: string;
  /** Base URL of the web app, for tracking links (e.g. http://localhost:3000). */
  publicUrl: string;
}

/** Everything the order pipeline's steps are built from. */
export interface PipelineDeps {
  store: ItemStore;
  ids: IdGenerator;
  clock: Clock;
  payments: PaymentGateway;
  objects: ObjectStore;
  mailer: Mailer;
  receipts: ReceiptRenderer;
  shop: ShopSettings;
  logger: Logger;
}

/** What every step receives from the workflow: the order id, and after a Catch the error. */
export interface StepInput {
  orderId: string;
  error?: WorkflowError;
}

export function trackingUrl(shop: ShopSettings, orderId: string, token: string): string {
  return `${shop.publicUrl.replace(/\/$/, "")}/orders/${orderId}?token=${encodeURIComponent(token)}`;
}

/** The gateway's idempotency key of an order's one charge. */
export const orderChargeKey = (orderId: string) => `order-${orderId}`;

export const receiptObjectKey = (orderId: string) => `receipts/${orderId}.pdf`;
