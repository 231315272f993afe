import type { FailureCode, WorkflowError } from "../orders/order-errors.js";
import type { Money } from "../shared/money.js";

/** Stored states; whether an active auction is open for bids depends on the clock (see auction-rules). */
export const AUCTION_STATUSES = ["active", "sold", "unsold", "cancelled"] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

export interface Bid {
  id: string;
  auctionId: string;
  bidderId: string;
  amount: number;
  at: string;
}

export interface Auction {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  productId?: string;
  currency: string;
  /** All amounts in minor units (cents). */
  startingPrice: number;
  reservePrice?: number;
  buyNowPrice?: number;
  startsAt: string;
  endsAt: string;
  status: AuctionStatus;
  highestBid?: Bid;
  bidCount: number;
  /** Set when the auction sells: the winner must check out before this time. */
  checkoutDeadline?: string;
  checkout?: Checkout;
  /** The winner who did not pay in time (the auction then ends unsold). */
  lapsedWinnerId?: string;
  /** Incremented by every change; writes are conditional on it, so no update is ever lost. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The winner's checkout, a saga: requested → reserved → paid, or failed (and may be tried again). */
export interface Checkout {
  id: string;
  state: "requested" | "reserved" | "paid" | "failed";
  buyerId: string;
  buyerName: string;
  buyerEmail: string;
  deliveryAddress: { line1: string; line2?: string; city: string; postalCode: string; country: string };
  paymentLast4: string;
  chargeId?: string;
  refundId?: string;
  /**
   * Set once undoing the checkout began, with the error that started it: from then on it is never
   * charged or paid, only refunded and failed (see the checkout saga's `beginUndoing`).
   */
  undoing?: { since: string; error?: WorkflowError };
  orderId?: string;
  failureReason?: string;
  /** Why it failed, for clients to act on; checkouts failed before codes were recorded have none. */
  failureCode?: FailureCode;
  requestedAt: string;
}

export function money(auction: Auction, amount: number): Money {
  return { amount, currency: auction.currency };
}
