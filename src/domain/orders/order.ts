import type { Money } from "../shared/money.js";
import type { FailureCode, WorkflowError } from "./order-errors.js";

/** Every state an order can be in. `pending` is accepted and in the pipeline. */
export const ORDER_STATUSES = [
  "pending",
  "confirmed",
  "fulfilled",
  "out_for_delivery",
  "delivered",
  "reviewed",
  "failed",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface DeliveryAddress {
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}

export interface OrderCustomer {
  name: string;
  email: string;
  /** Set when a signed-in customer placed the order; guests have none and use the tracking token. */
  userId?: string;
}

export interface Order {
  id: string;
  status: OrderStatus;
  customer: OrderCustomer;
  deliveryAddress: DeliveryAddress;
  lines: OrderLine[];
  total: Money;
  notes?: string;
  /** Last four digits of the card, never the full number. */
  paymentLast4: string;
  /** When the order's units were taken off stock (removed again when they are released). */
  stockReservedAt?: string;
  chargeId?: string;
  refundId?: string;
  /**
   * Set once undoing a pending order began, with the error that started it: from then on the order is
   * never reserved, charged or confirmed, only undone and failed (see begin-compensation.ts).
   */
  compensation?: { since: string; error?: WorkflowError };
  /** Object-store key of the PDF receipt, once issued. */
  receiptKey?: string;
  makerNotifiedAt?: string;
  feedback?: { rating: number; comment?: string; at: string };
  trackingToken: string;
  failureReason?: string;
  /** Why it failed, for clients to act on; orders failed before codes were recorded have none. */
  failureCode?: FailureCode;
  createdAt: string;
  updatedAt: string;
}

export function orderTotal(lines: OrderLine[], currency: string): Money {
  return { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency };
}
