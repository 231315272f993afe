/** The event types an order emits, in the order they usually happen. */
export const OrderEvent = {
  received: "order_received",
  stockReserved: "stock_reserved",
  paymentCharged: "payment_charged",
  confirmed: "order_confirmed",
  receiptIssued: "receipt_issued",
  makerNotified: "maker_notified",
  stockReleased: "stock_released",
  paymentRefunded: "payment_refunded",
  failed: "order_failed",
} as const;
export type OrderEventType = (typeof OrderEvent)[keyof typeof OrderEvent];
