/** The event types an order emits, in the order they usually happen. */
export const OrderEvent = {
  received: "order_received",
  stockReserved: "stock_reserved",
  paymentCharged: "payment_charged",
  /** The order is confirmed (paid, stock reserved): the bakery's "order placed" that the maker bakes from. */
  placed: "order_placed",
  receiptIssued: "receipt_issued",
  makerNotified: "maker_notified",
  fulfilled: "order_fulfilled",
  /** A message on the delivery queue: the courier is to be told. */
  deliveryRequested: "delivery_requested",
  outForDelivery: "order_out_for_delivery",
  delivered: "order_delivered",
  reviewed: "order_reviewed",
  stockReleased: "stock_released",
  paymentRefunded: "payment_refunded",
  failed: "order_failed",
} as const;
export type OrderEventType = (typeof OrderEvent)[keyof typeof OrderEvent];
